package io.vigil.pipelines.internal;

import java.util.Arrays;

/**
 * One asset's anomaly threshold, learned from the asset's own first window scores by the
 * peaks-over-threshold method (SPOT, Siffer et al., "Anomaly Detection in Streams with Extreme
 * Value Theory", KDD 2017).
 *
 * <p>While calibrating, the scores are collected. Once {@code windows} of them are in, the initial
 * threshold {@code t} is their {@code initialQuantile} quantile, and only the excesses {@code s -
 * t} of the scores above it are kept. A generalized Pareto distribution fitted to those excesses
 * says how far the tail reaches, and {@link #threshold(double)} turns an accepted false-alarm
 * probability per window ({@code risk}) into a score level. The fit is not stored: it is redone
 * from the excesses on every call, so an operator may change {@code risk} and restart from a
 * savepoint. Changing {@code windows} or {@code initialQuantile} after calibration has no effect:
 * the sample they would apply to is gone.
 *
 * <p>The threshold is learned once and then frozen. SPOT would keep moving it with every new
 * excess, but then a fault that develops slowly would raise its own threshold and never be
 * reported.
 *
 * <p>A Flink POJO kept in keyed {@code ValueState}: its fields are public only for Flink's
 * serializer. Read them through the accessors and change them only through {@link #add}.
 */
public final class PotCalibration {

    /**
     * The most scores a calibration collects, whatever {@code windows} asks for: the sample costs 4
     * bytes per score until calibration ends (40 KB per asset at most), and 10 000 windows already
     * leave 200 excesses at the 0.98 quantile, plenty for the two parameters of the tail.
     */
    public static final int MAX_WINDOWS = 10_000;

    /**
     * With fewer excesses than this, their variance says little about the shape of the tail, so the
     * tail is taken as exponential (shape 0), whose one parameter is their mean.
     */
    static final int MIN_EXCESSES_FOR_SHAPE = 10;

    /** The sample starts this small and doubles, so a new asset's state starts small too. */
    private static final int INITIAL_CAPACITY = 64;

    /** Below this, the shape is taken as 0 and the exponential form of the quantile is used. */
    private static final double ZERO_SHAPE = 1e-12;

    /**
     * Scores collected so far in {@code [0, count)}, as float: seven significant digits are ample
     * for a threshold, and they halve the state while calibrating. Null after calibration.
     */
    public float[] sample;

    /** Scores collected so far; after calibration, the sample size {@code n}. */
    public int count;

    /** Whether calibration has ended and {@link #threshold(double)} may be called. */
    public boolean done;

    /** The initial threshold {@code t}: the initial quantile of the sample. */
    public double initialThreshold;

    /**
     * The excesses {@code s - t} of the sample's scores above {@code t}, ascending; null before.
     */
    public float[] excesses;

    /** A fresh, uncalibrated state. */
    public PotCalibration() {}

    /**
     * Adds one window's score to the calibration sample, and ends the calibration when the sample
     * holds {@code windows} scores. NaN and infinite scores are ignored; once calibrated, every
     * score is. If {@code windows} was lowered since the last call below the scores already
     * collected, the calibration ends at once.
     *
     * @param windows scores to collect, at least 1; more than {@link #MAX_WINDOWS} count as that
     * @param initialQuantile the quantile of the sample that becomes {@code t}, in (0, 1), e.g.
     *     0.98
     */
    public void add(double score, int windows, double initialQuantile) {
        if (windows < 1) {
            throw new IllegalArgumentException("windows must be at least 1, got " + windows + ".");
        }
        if (!(initialQuantile > 0 && initialQuantile < 1)) {
            throw new IllegalArgumentException(
                    "initialQuantile must be in (0, 1), got " + initialQuantile + ".");
        }
        if (done || !Double.isFinite(score)) {
            return;
        }
        int target = Math.min(windows, MAX_WINDOWS);
        if (sample == null) {
            sample = new float[Math.min(target, INITIAL_CAPACITY)];
        } else if (count == sample.length) {
            sample = Arrays.copyOf(sample, Math.max(count + 1, Math.min(target, 2 * count)));
        }
        // A finite double beyond float range must not become an infinite excess: clamp it.
        sample[count++] = (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, score));
        if (count >= target) {
            finish(initialQuantile);
        }
    }

    /** Whether the calibration has ended, so that {@link #threshold(double)} may be called. */
    public boolean calibrated() {
        return done;
    }

    /** Valid scores collected so far; after calibration, the size of the calibration sample. */
    public int collected() {
        return count;
    }

    /**
     * The score above which a window is anomalous, such that a window from the same distribution as
     * the calibration sample exceeds it with probability {@code risk}. Always finite and at least
     * the initial threshold {@code t}.
     *
     * <p>Degenerate cases, in order:
     *
     * <ul>
     *   <li>{@code risk * n / Nt >= 1} ({@code Nt} excesses of {@code n} scores, {@code Nt} may be
     *       0, e.g. for constant scores): the risk asked for is at least the share of scores above
     *       {@code t}, so the threshold is {@code t};
     *   <li>fewer than {@value #MIN_EXCESSES_FOR_SHAPE} excesses, or a fit that is not finite: the
     *       tail is taken as exponential with the excesses' mean;
     *   <li>all excesses equal: the tail is that one value, the threshold {@code t} plus it;
     *   <li>{@code risk < 1 / n}: the threshold is at least the largest calibration score, which a
     *       healthy asset has already shown to reach. This bounds fits with a strongly negative
     *       shape, whose estimated end of the tail can fall short of the data.
     * </ul>
     *
     * @param risk accepted probability that a healthy window exceeds the threshold, in (0, 1)
     * @throws IllegalStateException before calibration has ended
     */
    public double threshold(double risk) {
        if (!done) {
            throw new IllegalStateException(
                    "Calibration has not ended: " + count + " scores collected.");
        }
        if (!(risk > 0 && risk < 1)) {
            throw new IllegalArgumentException("risk must be in (0, 1), got " + risk + ".");
        }
        int excessCount = excesses.length;
        double tailShare = risk * count / excessCount; // +Infinity when there is no excess
        if (tailShare >= 1) {
            return initialThreshold;
        }
        double z = initialThreshold + Tail.fit(excesses).excessExceededWith(tailShare);
        if (risk * count < 1) {
            z = Math.max(z, initialThreshold + excesses[excessCount - 1]);
        }
        return Double.isFinite(z) ? Math.max(z, initialThreshold) : Double.MAX_VALUE;
    }

    private void finish(double initialQuantile) {
        float[] sorted = Arrays.copyOf(sample, count);
        Arrays.sort(sorted);
        // The quantile interpolated between order statistics, as numpy's and R's default.
        double h = (count - 1) * initialQuantile;
        int below = (int) Math.floor(h);
        int above = Math.min(below + 1, count - 1);
        initialThreshold = sorted[below] + (h - below) * ((double) sorted[above] - sorted[below]);
        int first = below;
        while (first < count && sorted[first] <= initialThreshold) {
            first++;
        }
        excesses = new float[count - first];
        for (int i = 0; i < excesses.length; i++) {
            excesses[i] = (float) (sorted[first + i] - initialThreshold);
        }
        sample = null;
        done = true;
    }

    /**
     * A generalized Pareto tail, {@code P(Y > y) = (1 + shape * y / scale)^(-1 / shape)}, fitted to
     * the excesses by the method of moments.
     *
     * <p>Why moments rather than maximum likelihood (Grimshaw's method, as in the SPOT paper): a
     * calibration keeps a few dozen to a few hundred excesses (3 600 windows at the 0.98 quantile
     * leave 72). At such sizes Hosking and Wallis (Technometrics, 1987) found maximum likelihood no
     * better than the moments, and less reliable, up to 500 excesses, except for very heavy tails
     * (shape above 0.2). Moments are also closed form: no root search that may fail or find no
     * root, and cheap enough to redo on every window. What moments cannot express is a shape of 0.5
     * or more (infinite variance); window scores of a healthy asset are far lighter than that.
     *
     * <p>A shape of minus infinity stands for excesses that are all equal: all the tail's mass sits
     * at {@code scale}, which is where the fit ends up as their variance shrinks to 0.
     */
    record Tail(double shape, double scale) {

        static Tail fit(float[] excesses) {
            double mean = 0;
            for (float y : excesses) {
                mean += y;
            }
            mean /= excesses.length;
            if (excesses.length < MIN_EXCESSES_FOR_SHAPE) {
                return new Tail(0, mean);
            }
            double squares = 0;
            for (float y : excesses) {
                squares += (y - mean) * (y - mean);
            }
            double variance = squares / (excesses.length - 1);
            if (variance == 0) {
                return new Tail(Double.NEGATIVE_INFINITY, mean);
            }
            double ratio = mean * mean / variance;
            Tail tail = new Tail(0.5 * (1 - ratio), 0.5 * mean * (ratio + 1));
            boolean usable =
                    Double.isFinite(tail.shape) && Double.isFinite(tail.scale) && tail.scale > 0;
            return usable ? tail : new Tail(0, mean);
        }

        /** The excess {@code y} with {@code P(Y > y) = share}, for a share in (0, 1). */
        double excessExceededWith(double share) {
            if (shape == Double.NEGATIVE_INFINITY) {
                return scale;
            }
            if (Math.abs(shape) < ZERO_SHAPE) {
                return -scale * Math.log(share);
            }
            // (share^-shape - 1) / shape, written with expm1 to stay exact as the shape nears 0.
            return scale * Math.expm1(-shape * Math.log(share)) / shape;
        }
    }
}
