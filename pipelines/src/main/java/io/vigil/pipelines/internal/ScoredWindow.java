package io.vigil.pipelines.internal;

/**
 * A window after the model: its score and the error of each channel, in the model's channel order,
 * and when it closed ({@link io.vigil.pipelines.ModelInput#closedAtMicros}).
 */
public record ScoredWindow(
        String asset,
        long start,
        long end,
        double score,
        float[] channelErrors,
        long closedAtMicros) {}
