package io.vigil.models;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What Vigil needs to know about a shipped model, read from its {@code card.json}: the tensor
 * contract, the channels in input order, the normalization the model was trained with and its
 * calibrated threshold.
 *
 * @param name model name, also its folder name under {@code models/zoo}
 * @param version model version, reported in every result event
 * @param task what the output means; {@code reconstruction} for the anomaly autoencoders
 * @param inputName name of the ONNX input
 * @param outputName name of the ONNX output
 * @param windowLength time steps per window (input dimension 1)
 * @param channels channel names in input order (input dimension 2)
 * @param samplePeriodMillis the sample period the model was trained at
 * @param mean per-channel mean subtracted before the model
 * @param std per-channel standard deviation divided by before the model
 * @param threshold the anomaly threshold calibrated on normal data
 * @param errorScale per-channel typical healthy error; a channel's error is divided by it, so 1.0
 *     means "as usual" whatever the channel's noise
 * @param scoreReduction how the scaled channel errors become the window score
 */
public record ModelCard(
        String name,
        String version,
        String task,
        String inputName,
        String outputName,
        int windowLength,
        List<String> channels,
        long samplePeriodMillis,
        float[] mean,
        float[] std,
        double threshold,
        float[] errorScale,
        ScoreReduction scoreReduction)
        implements Serializable {

    /** How a window's scaled channel errors become its score. */
    public enum ScoreReduction {
        /** The mean over channels. */
        MEAN,
        /** The worst channel. */
        MAX
    }

    public ModelCard {
        Objects.requireNonNull(name, "name must not be null.");
        Objects.requireNonNull(version, "version must not be null.");
        Objects.requireNonNull(task, "task must not be null.");
        Objects.requireNonNull(inputName, "inputName must not be null.");
        Objects.requireNonNull(outputName, "outputName must not be null.");
        channels = List.copyOf(channels);
        if (windowLength <= 0) {
            throw new IllegalArgumentException(
                    "windowLength must be positive, got " + windowLength + ".");
        }
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("channels must not be empty.");
        }
        if (mean.length != channels.size() || std.length != channels.size()) {
            throw new IllegalArgumentException(
                    "normalization must have one mean and one std per channel ("
                            + channels.size()
                            + "), got "
                            + mean.length
                            + " and "
                            + std.length
                            + ".");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException(
                        "normalization std must be positive, got " + s + ".");
            }
        }
        if (errorScale.length != channels.size()) {
            throw new IllegalArgumentException(
                    "error_scale must have one value per channel ("
                            + channels.size()
                            + "), got "
                            + errorScale.length
                            + ".");
        }
        for (float s : errorScale) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("error_scale must be positive, got " + s + ".");
            }
        }
        Objects.requireNonNull(scoreReduction, "scoreReduction must not be null.");
        mean = mean.clone();
        std = std.clone();
        errorScale = errorScale.clone();
    }

    /** Number of channels (input dimension 2). */
    public int channelCount() {
        return channels.size();
    }

    /** Floats in one window: {@code windowLength * channelCount}. */
    public int windowSize() {
        return windowLength * channels.size();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public float[] errorScale() {
        return errorScale.clone();
    }
}
