package io.vigil.models;

import java.util.Arrays;

/**
 * Predicts the remaining useful life (RUL) of the asset behind each window with a regression model
 * (card task {@value ModelCard#RUL}): normalizes the windows with the card's statistics, exactly as
 * {@link AnomalyScorer} does, runs the model on the whole batch at once and reads one prediction
 * per window from its output ({@code [batch, 1]} or {@code [batch]}).
 *
 * <p>A window's score is the prediction in the card's {@link ModelCard#unit() unit} (cycles unless
 * the card says otherwise), clamped to {@code [0, rulCap]}: a life cannot be negative, and the
 * model was trained on targets capped at {@link ModelCard#rulCap()}, so nothing above it is
 * meaningful. Without a cap only the lower bound applies. Unlike an anomaly score, lower is worse.
 *
 * <p>A regressor blames no channel: {@link #score} writes 0 to every channel error, so a consumer
 * that ranks channels by error finds none to blame. Not thread-safe (it reuses its buffers).
 *
 * <pre>{@code
 * try (WindowScorer predictor = WindowScorer.open(ModelLocation.directory(folder))) {
 *     predictor.score(windows, batch, channelErrors, rul); // rul[i] in predictor.card().unit()
 * }
 * }</pre>
 */
public final class RulPredictor implements WindowScorer {

    private final OnnxModel model;
    private final WindowNormalizer normalizer;
    private final double cap;

    /**
     * Predicts with {@code model}, which this predictor now owns and closes.
     *
     * @throws IllegalArgumentException if the model's task is not {@value ModelCard#RUL}; the model
     *     is closed first
     */
    public RulPredictor(OnnxModel model) {
        ModelCard card = model.card();
        if (!ModelCard.RUL.equals(card.task())) {
            model.close();
            throw new IllegalArgumentException(
                    "Model '"
                            + card.name()
                            + "' has task '"
                            + card.task()
                            + "', but RulPredictor needs task '"
                            + ModelCard.RUL
                            + "'.");
        }
        this.model = model;
        this.normalizer = new WindowNormalizer(card);
        this.cap = card.hasRulCap() ? card.rulCap() : Double.POSITIVE_INFINITY;
    }

    @Override
    public ModelCard card() {
        return model.card();
    }

    /**
     * Predicts the RUL of {@code batch} windows in raw engineering units stored back to back in
     * {@code windows}, time-major ({@code [t][channel]}); writes one clamped prediction per window
     * into {@code scores} and 0 to the {@code batch * channels} values of {@code channelErrors}.
     */
    @Override
    public void score(float[] windows, int batch, float[] channelErrors, double[] scores) {
        float[] predictions = model.run(normalizer.normalize(windows, batch), batch);
        for (int b = 0; b < batch; b++) {
            // Math.max and Math.min keep a NaN prediction NaN rather than hiding it as a bound.
            scores[b] = Math.min(Math.max(predictions[b], 0.0), cap);
        }
        Arrays.fill(channelErrors, 0, batch * model.card().channelCount(), 0f);
    }

    @Override
    public void close() {
        model.close();
    }
}
