package io.vigil.models;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What Vigil needs to know about a shipped model, read from its {@code card.json}: the tensor
 * contract, the channels in input order, the normalization the model was trained with, and what its
 * score means.
 *
 * <p>The {@link #task() task} says what the output is and which {@link WindowScorer} runs it:
 *
 * <ul>
 *   <li>{@value #RECONSTRUCTION}: an autoencoder whose output has the input's shape, or
 *       reconstructs only the window's newest {@link #outputLength()} rows (so the score describes
 *       the present rather than the whole window); the score is the scaled reconstruction error
 *       ({@link AnomalyScorer}), {@code threshold} is required and {@code errorScale} and {@code
 *       scoreReduction} apply;
 *   <li>{@value #FORECAST}: a forecaster that reads the window and predicts its last {@link
 *       #outputLength()} rows from the rows before them, output {@code [batch, outputLength,
 *       channels]}; scored like a reconstruction over those rows only ({@link AnomalyScorer}), with
 *       the same required {@code threshold} and the same {@code errorScale} and {@code
 *       scoreReduction};
 *   <li>{@value #RUL}: a regressor that predicts the remaining useful life, output {@code [batch,
 *       1]} or {@code [batch]}; the score is that prediction in {@link #unit()}, clamped to {@code
 *       [0, rulCap]} ({@link RulPredictor}); {@code threshold} is optional ({@code NaN} when
 *       absent) and the anomaly-only fields are unused.
 * </ul>
 *
 * @param name model name, also its folder name under {@code models/zoo}
 * @param version model version, reported in every result event
 * @param task what the output means: {@value #RECONSTRUCTION}, {@value #FORECAST} or {@value #RUL};
 *     a card with another task still loads, but {@link WindowScorer#open} refuses it
 * @param inputName name of the ONNX input
 * @param outputName name of the ONNX output
 * @param windowLength time steps per window (input dimension 1)
 * @param outputLength time steps of the output per window (output dimension 1), which the scorer
 *     compares with the window's last {@code outputLength} rows: {@code windowLength}, or fewer,
 *     for {@value #RECONSTRUCTION}, the forecast horizon for {@value #FORECAST} (at least 1, less
 *     than {@code windowLength}), 1 for {@value #RUL} (one value per window)
 * @param channels channel names in input order (input dimension 2)
 * @param samplePeriodMillis the sample period the model was trained at
 * @param mean per-channel mean subtracted before the model
 * @param std per-channel standard deviation divided by before the model
 * @param threshold the anomaly threshold calibrated on normal data; required unless the task is
 *     {@value #RUL}, where it is an optional RUL in {@link #unit()} (lower is worse) and {@code
 *     NaN} when the card gives none
 * @param errorScale per-channel typical healthy error; a channel's error is divided by it, so 1.0
 *     means "as usual" whatever the channel's noise (all 1 when the card gives none)
 * @param scoreReduction how the scaled channel errors become the window score
 * @param rulCap the largest RUL the model predicts (training targets were capped there), the upper
 *     clamp of its predictions; {@code NaN} when absent, and only a {@value #RUL} card may give one
 * @param unit the unit of the score: for {@value #RUL} the unit of the remaining useful life
 *     ({@code "cycles"} unless the card says otherwise); empty for {@value #RECONSTRUCTION} and
 *     {@value #FORECAST}, whose score has none, unless the card says otherwise
 */
public record ModelCard(
        String name,
        String version,
        String task,
        String inputName,
        String outputName,
        int windowLength,
        int outputLength,
        List<String> channels,
        long samplePeriodMillis,
        float[] mean,
        float[] std,
        double threshold,
        float[] errorScale,
        ScoreReduction scoreReduction,
        double rulCap,
        String unit)
        implements Serializable {

    /** The task of an anomaly autoencoder, scored by {@link AnomalyScorer}. */
    public static final String RECONSTRUCTION = "reconstruction";

    /**
     * The task of a forecaster of the window's last rows from the rows before them, scored by its
     * forecast error with {@link AnomalyScorer}.
     */
    public static final String FORECAST = "forecast";

    /** The task of a remaining-useful-life regressor, scored by {@link RulPredictor}. */
    public static final String RUL = "rul";

    /** The unit of a {@value #RUL} card that names none. */
    public static final String DEFAULT_RUL_UNIT = "cycles";

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
        checkOutputLength(task, windowLength, outputLength);
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
        if (!RUL.equals(task) && Double.isNaN(threshold)) {
            throw new IllegalArgumentException(
                    "threshold is required for task '" + task + "', got NaN.");
        }
        if (!Double.isNaN(rulCap)) {
            if (!RUL.equals(task)) {
                throw new IllegalArgumentException(
                        "rul_cap is only for task '" + RUL + "', got task '" + task + "'.");
            }
            if (!(rulCap > 0) || Double.isInfinite(rulCap)) {
                throw new IllegalArgumentException(
                        "rul_cap must be positive and finite, got " + rulCap + ".");
            }
        }
        Objects.requireNonNull(unit, "unit must not be null.");
        mean = mean.clone();
        std = std.clone();
        errorScale = errorScale.clone();
    }

    /**
     * A card whose output length follows from its task: the window length, or 1 for {@value #RUL}.
     * A {@value #FORECAST} card needs the canonical constructor, which takes its horizon.
     */
    public ModelCard(
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
            ScoreReduction scoreReduction,
            double rulCap,
            String unit) {
        this(
                name,
                version,
                task,
                inputName,
                outputName,
                windowLength,
                RUL.equals(task) ? 1 : windowLength,
                channels,
                samplePeriodMillis,
                mean,
                std,
                threshold,
                errorScale,
                scoreReduction,
                rulCap,
                unit);
    }

    private static void checkOutputLength(String task, int windowLength, int outputLength) {
        boolean valid =
                switch (task) {
                    case RECONSTRUCTION -> outputLength >= 1 && outputLength <= windowLength;
                    case FORECAST -> outputLength >= 1 && outputLength < windowLength;
                    case RUL -> outputLength == 1;
                    default -> outputLength >= 1;
                };
        if (!valid) {
            String expected =
                    switch (task) {
                        case RECONSTRUCTION ->
                                "at least 1 and at most the window length " + windowLength;
                        case FORECAST ->
                                "at least 1 and less than the window length " + windowLength;
                        case RUL -> "1";
                        default -> "at least 1";
                    };
            throw new IllegalArgumentException(
                    "outputLength of a '"
                            + task
                            + "' model must be "
                            + expected
                            + ", got "
                            + outputLength
                            + ".");
        }
    }

    /** The unit a card of {@code task} has when it names none. */
    static String defaultUnit(String task) {
        return RUL.equals(task) ? DEFAULT_RUL_UNIT : "";
    }

    /** Whether the card gives a {@link #rulCap()}. */
    public boolean hasRulCap() {
        return !Double.isNaN(rulCap);
    }

    /** Number of channels (input dimension 2). */
    public int channelCount() {
        return channels.size();
    }

    /**
     * Floats in one window's output for a window-shaped task: {@code outputLength * channelCount}.
     */
    public int outputSize() {
        return outputLength * channels.size();
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
