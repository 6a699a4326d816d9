package io.vigil.models;

/**
 * Scores windows with a model whose output is a stretch of the window itself: normalizes them with
 * the card's statistics, runs the model on the whole batch at once, and measures how far the output
 * is from what the window really holds, per channel, so an event can name the channels to blame.
 *
 * <p>The output covers the window's last {@link ModelCard#outputLength() H} rows: all of them for a
 * {@code reconstruction} model (an autoencoder, H = the window length), the rows it forecasts from
 * the rows before them for a {@code forecast} model (1 &lt;= H &lt; the window length). A channel's
 * raw error is the mean over those H rows of its squared error in normalized units. It is divided
 * by the channel's typical healthy error from the card ({@code error_scale}), so 1.0 means "as
 * usual" on every channel: a naturally noisy channel neither hides faults on quiet ones nor is
 * blamed for them. The window score reduces the scaled errors as the card says (mean or max). The
 * training script computes the same, and the card's threshold is in these units. Not thread-safe
 * (it reuses its buffers).
 *
 * <p>{@link WindowScorer#open} picks this scorer for cards whose task is {@code reconstruction} or
 * {@code forecast}.
 */
public final class AnomalyScorer implements WindowScorer {

    private final OnnxModel model;
    private final WindowNormalizer normalizer;
    private final float[] inverseErrorScale;

    /**
     * Scores with {@code model}, which this scorer now owns and closes.
     *
     * @throws IllegalArgumentException if the model's task is {@code rul}: its output is not a
     *     stretch of the window (use {@link WindowScorer#open} or {@link RulPredictor}); the model
     *     is closed first
     */
    public AnomalyScorer(OnnxModel model) {
        ModelCard card = model.card();
        if (ModelCard.RUL.equals(card.task())) {
            model.close();
            throw new IllegalArgumentException(
                    "Model '"
                            + card.name()
                            + "' has task 'rul', which AnomalyScorer cannot score; open it with"
                            + " WindowScorer.open or RulPredictor.");
        }
        this.model = model;
        this.normalizer = new WindowNormalizer(card);
        float[] errorScale = card.errorScale();
        this.inverseErrorScale = new float[errorScale.length];
        for (int c = 0; c < errorScale.length; c++) {
            inverseErrorScale[c] = 1f / errorScale[c];
        }
    }

    @Override
    public ModelCard card() {
        return model.card();
    }

    /**
     * Scores {@code batch} windows in raw engineering units stored back to back in {@code windows},
     * time-major ({@code [t][channel]}); writes {@code batch * channels} scaled channel errors into
     * {@code channelErrors} and one score per window into {@code scores}.
     */
    @Override
    public void score(float[] windows, int batch, float[] channelErrors, double[] scores) {
        ModelCard card = model.card();
        int channels = card.channelCount();
        float[] normalized = normalizer.normalize(windows, batch);
        float[] output = model.run(normalized, batch);
        channelErrors(
                normalized,
                output,
                batch,
                card.windowLength(),
                card.outputLength(),
                channels,
                channelErrors);
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

    /**
     * Per window and channel, the mean squared difference between the {@code outputLength} rows of
     * the output and the window's last {@code outputLength} rows of the input.
     *
     * <p>Both steps are flat loops over contiguous floats, which the JIT vectorizes: the squared
     * differences overwrite {@code output}, then the rows are summed by folding the bottom half of
     * them onto the top half until one row is left (a pairwise sum). Accumulating into {@code
     * errors[window][channel]} value by value chained every addition to the previous one through
     * memory.
     */
    static void channelErrors(
            float[] input,
            float[] output,
            int batch,
            int length,
            int outputLength,
            int channels,
            float[] errors) {
        int skipped = length - outputLength;
        int span = outputLength * channels;
        for (int b = 0; b < batch; b++) {
            int inputBase = (b * length + skipped) * channels;
            int outputBase = b * span;
            for (int i = 0; i < span; i++) {
                float d = output[outputBase + i] - input[inputBase + i];
                output[outputBase + i] = d * d;
            }
            for (int rows = outputLength; rows > 1; ) {
                int folded = rows / 2;
                int kept = rows - folded;
                int from = outputBase + kept * channels;
                for (int i = 0; i < folded * channels; i++) {
                    output[outputBase + i] += output[from + i];
                }
                rows = kept;
            }
            for (int c = 0; c < channels; c++) {
                errors[b * channels + c] = output[outputBase + c] / outputLength;
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
