package io.vigil.pipelines.internal;

/**
 * A window after the model: its score and the error of each channel, in the model's channel order.
 */
public record ScoredWindow(
        String asset, long start, long end, double score, float[] channelErrors) {}
