package io.vigil.models;

import java.util.List;

/**
 * Scores batches of windows with one model, whatever its task: what a batched inference operator
 * calls. {@link #open} reads the card and picks the implementation from its {@link ModelCard#task()
 * task}:
 *
 * <ul>
 *   <li>{@value ModelCard#RECONSTRUCTION} → {@link AnomalyScorer}: the score is the scaled
 *       reconstruction error, higher is worse, and the channel errors say which channels to blame;
 *   <li>{@value ModelCard#FORECAST} → {@link AnomalyScorer}: the same, with the error of the
 *       forecast of the window's last {@link ModelCard#outputLength()} rows;
 *   <li>{@value ModelCard#RUL} → {@link RulPredictor}: the score is the predicted remaining useful
 *       life in {@link ModelCard#unit()}, lower is worse, and the channel errors are all 0.
 * </ul>
 *
 * <pre>{@code
 * try (WindowScorer scorer = WindowScorer.open(ModelLocation.shipped("pump-transformer"))) {
 *     ModelCard card = scorer.card();
 *     float[] channelErrors = new float[batch * card.channelCount()];
 *     double[] scores = new double[batch];
 *     scorer.score(windows, batch, channelErrors, scores);
 * }
 * }</pre>
 *
 * <p>An instance owns its ONNX session and reuses its buffers: it is not thread-safe, so give every
 * parallel task its own.
 */
public interface WindowScorer extends AutoCloseable {

    /** The tasks {@link #open} can score, in the order its message lists them. */
    List<String> TASKS = List.of(ModelCard.RECONSTRUCTION, ModelCard.FORECAST, ModelCard.RUL);

    /**
     * Opens the model at {@code location} with the scorer for its card's task.
     *
     * @throws ModelLoadException if the card or the model cannot be read, do not match, or the task
     *     is none of {@link #TASKS}; the message names the card file and what was found
     */
    static WindowScorer open(ModelLocation location) {
        ModelCard card = location.loadCard();
        if (!TASKS.contains(card.task())) {
            throw new ModelLoadException(
                    location.cardFile()
                            + " has task '"
                            + card.task()
                            + "', which Vigil cannot score; supported tasks are "
                            + TASKS
                            + ".");
        }
        OnnxModel model = OnnxModel.open(location, card);
        return ModelCard.RUL.equals(card.task())
                ? new RulPredictor(model)
                : new AnomalyScorer(model);
    }

    /** The card of the model this scorer runs. */
    ModelCard card();

    /**
     * Scores {@code batch} windows in raw engineering units, stored back to back in {@code
     * windows}, each {@link ModelCard#windowSize()} floats, time-major ({@code [t][channel]}).
     * Writes one score per window into {@code scores[0..batch)} and {@link
     * ModelCard#channelCount()} channel errors per window into {@code channelErrors[0..batch *
     * channels)}; what both mean depends on the task (see the implementations).
     */
    void score(float[] windows, int batch, float[] channelErrors, double[] scores);

    /** Closes the ONNX session. */
    @Override
    void close();
}
