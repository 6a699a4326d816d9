package io.vigil.models;

/**
 * Scores windows with a reconstruction model: normalizes them with the card's statistics, runs the
 * model on the whole batch at once, and measures how far the reconstruction is from the input, per
 * channel, so an event can name the channels to blame.
 *
 * <p>A channel's raw error is the mean over time of its squared error in normalized units. It is
 * divided by the channel's typical healthy error from the card ({@code error_scale}), so 1.0 means
 * "as usual" on every channel: a naturally noisy channel neither hides faults on quiet ones nor is
 * blamed for them. The window score reduces the scaled errors as the card says (mean or max). The
 * training script computes the same, and the card's threshold is in these units. Not thread-safe
 * (it reuses its buffers).
 */
public final class AnomalyScorer implements AutoCloseable {

    private final OnnxModel model;
    private final float[] mean;
    private final float[] inverseStd;
    private final float[] inverseErrorScale;
    private float[] normalized = new float[0];

    public AnomalyScorer(OnnxModel model) {
        this.model = model;
        ModelCard card = model.card();
        this.mean = card.mean();
        float[] std = card.std();
        this.inverseStd = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            inverseStd[c] = 1f / std[c];
        }
        float[] errorScale = card.errorScale();
        this.inverseErrorScale = new float[errorScale.length];
        for (int c = 0; c < errorScale.length; c++) {
            inverseErrorScale[c] = 1f / errorScale[c];
        }
    }

    public ModelCard card() {
        return model.card();
    }

    /**
     * Scores {@code batch} windows in raw engineering units stored back to back in {@code windows},
     * time-major ({@code [t][channel]}); writes {@code batch * channels} scaled channel errors into
     * {@code channelErrors} and one score per window into {@code scores}.
     */
    public void score(float[] windows, int batch, float[] channelErrors, double[] scores) {
        ModelCard card = model.card();
        int channels = card.channelCount();
        int size = batch * card.windowSize();
        if (normalized.length < size) {
            normalized = new float[size];
        }
        for (int i = 0; i < size; i++) {
            int c = i % channels;
            normalized[i] = (windows[i] - mean[c]) * inverseStd[c];
        }
        float[] reconstruction = model.run(normalized, batch);
        channelErrors(
                normalized, reconstruction, batch, card.windowLength(), channels, channelErrors);
        boolean max = card.scoreReduction() == ModelCard.ScoreReduction.MAX;
        for (int b = 0; b < batch; b++) {
            double reduced = 0;
            for (int c = 0; c < channels; c++) {
                float scaled = channelErrors[b * channels + c] * inverseErrorScale[c];
                channelErrors[b * channels + c] = scaled;
                reduced = max ? Math.max(reduced, scaled) : reduced + scaled;
            }
            scores[b] = max ? reduced : reduced / channels;
        }
    }

    static void channelErrors(
            float[] input, float[] output, int batch, int length, int channels, float[] errors) {
        java.util.Arrays.fill(errors, 0, batch * channels, 0f);
        for (int b = 0; b < batch; b++) {
            int base = b * length * channels;
            for (int t = 0; t < length; t++) {
                int row = base + t * channels;
                for (int c = 0; c < channels; c++) {
                    float d = output[row + c] - input[row + c];
                    errors[b * channels + c] += d * d;
                }
            }
            for (int c = 0; c < channels; c++) {
                errors[b * channels + c] /= length;
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
