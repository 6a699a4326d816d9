package io.vigil.pipelines.internal;

import io.vigil.pipelines.spec.MissingPolicy;
import io.vigil.pipelines.spec.Resampling;

/**
 * Turns an asset's irregular per-channel samples into the well-formed, time-major {@code rows ×
 * channels} tensor a model needs (row {@code r}, channel {@code c} at {@code r * channels + c}).
 *
 * <p>Each channel's samples are walked once with a cursor, so a window costs {@code O(rows ×
 * channels + samples)} and nothing is allocated.
 */
final class Resampler {

    private Resampler() {}

    /**
     * Resamples {@code samples} onto {@code rows} cells of {@code period} ms from {@code start},
     * cell {@code r} covering {@code [start + r * period, start + (r + 1) * period)}; the period is
     * fractional so that a session window can divide any span into the model's rows. Cells are
     * half-open, so a session caller that wants its last reading in the last cell lets the span end
     * just after it.
     *
     * <p>A channel's value in a cell is, by {@code method}:
     *
     * <ul>
     *   <li>{@link Resampling#LAST}: its newest sample in the cell;
     *   <li>{@link Resampling#MEAN}: the mean of its samples in the cell;
     *   <li>{@link Resampling#LINEAR}: its value at the cell start, on the straight line between
     *       the newest sample at or before the start and the oldest sample after it. The cell is
     *       covered when a sample lies exactly at its start, or when both neighbours exist and are
     *       at most {@code maxGapMillis} apart: a longer gap means data is missing, and a line
     *       across it would invent it.
     * </ul>
     *
     * <p>Only samples before the window's end ({@code start + rows * period}) are used, so the
     * tensor does not depend on how far an asset's readings run ahead of the watermark.
     *
     * <p>A cell with no value (or a value that is not a number, which only infinite readings cause)
     * is missing, and {@code missing} decides:
     *
     * <ul>
     *   <li>{@link MissingPolicy#FORWARD_FILL}: the channel's newest sample before the cell start,
     *       which may precede the window ({@link AssetSamples#evictBefore} keeps it), if it is at
     *       most {@code maxGapMillis} old at the cell start. A leading cell with no earlier sample
     *       at all takes the channel's first later sample in the window if that is at most {@code
     *       maxGapMillis} after the cell start. Any cell left missing makes the window unformable.
     *   <li>{@link MissingPolicy#MASK}: {@code maskValues[channel]}, the model's normal value.
     *   <li>{@link MissingPolicy#SKIP}: any missing cell makes the window unformable.
     * </ul>
     *
     * @param maskValues per channel the value of a masked cell; read only for {@link
     *     MissingPolicy#MASK}, may be null otherwise
     * @param out receives the tensor in its first {@code rows × channels} floats, all of them
     *     written whenever the result is not -1
     * @return how many rows had a real value (not a filled one) in every channel, for the caller's
     *     coverage rule; -1 when the window cannot be formed
     */
    static int resample(
            AssetSamples samples,
            long start,
            double period,
            int rows,
            Resampling method,
            MissingPolicy missing,
            long maxGapMillis,
            float[] maskValues,
            float[] out) {
        int channels = samples.channels();
        if (!(period > 0)) {
            throw new IllegalArgumentException("period must be positive, found " + period);
        }
        checkShape(rows, channels, out);
        if (missing == MissingPolicy.MASK && (maskValues == null || maskValues.length < channels)) {
            throw new IllegalArgumentException(
                    "mask needs one value per channel (" + channels + ")");
        }

        // First the real values, NaN marking missing cells; then count the rows no channel
        // misses; only then fill, since a filled cell must not count as covered.
        for (int c = 0; c < channels; c++) {
            if (method == Resampling.LINEAR) {
                interpolate(samples, c, start, period, rows, maxGapMillis, out);
            } else {
                aggregate(samples, c, start, period, rows, method, out);
            }
        }
        int covered = coveredRows(out, rows, channels);
        if (covered == rows) {
            return rows;
        }
        return switch (missing) {
            case SKIP -> -1;
            case MASK -> {
                mask(maskValues, rows, channels, out);
                yield covered;
            }
            case FORWARD_FILL ->
                    forwardFill(samples, start, period, rows, maxGapMillis, out) ? covered : -1;
        };
    }

    /**
     * Writes each channel's last {@code rows} samples in time order, for count windows; channels
     * are not aligned in time, row {@code r} of each is its {@code r}-th of the last {@code rows}.
     * A channel with fewer than {@code rows} but at least {@code minRows} samples fills the rows
     * before its first sample with that sample's value: the window of an asset whose history is
     * still short, as models trained on front-padded histories expect.
     *
     * @return the fewest samples of its own any channel put in the window (at most {@code rows}),
     *     or -1 when a channel holds fewer than {@code minRows}
     */
    static int lastN(AssetSamples samples, int rows, int minRows, float[] out) {
        int channels = samples.channels();
        checkShape(rows, channels, out);
        int covered = rows;
        for (int c = 0; c < channels; c++) {
            int count = samples.count(c);
            if (count < Math.max(1, minRows)) {
                return -1;
            }
            covered = Math.min(covered, count);
        }
        for (int c = 0; c < channels; c++) {
            int own = Math.min(rows, samples.count(c));
            int first = samples.count(c) - own;
            int padding = rows - own;
            for (int r = 0; r < rows; r++) {
                out[r * channels + c] = samples.value(c, first + Math.max(0, r - padding));
            }
        }
        return covered;
    }

    /** LAST or MEAN of each cell of channel {@code c}, NaN where the cell holds no sample. */
    private static void aggregate(
            AssetSamples samples,
            int c,
            long start,
            double period,
            int rows,
            Resampling method,
            float[] out) {
        int channels = samples.channels();
        int n = samples.count(c);
        int i = samples.firstAtOrAfter(c, start);
        for (int r = 0; r < rows; r++) {
            double cellEnd = (r + 1) * period;
            double sum = 0;
            int inCell = 0;
            float last = Float.NaN;
            for (; i < n && samples.time(c, i) - start < cellEnd; i++) {
                last = samples.value(c, i);
                sum += last;
                inCell++;
            }
            float value = method == Resampling.MEAN ? (float) (sum / inCell) : last;
            out[r * channels + c] = inCell == 0 ? Float.NaN : value;
        }
    }

    /** LINEAR value at each cell start of channel {@code c}, NaN where it is not covered. */
    private static void interpolate(
            AssetSamples samples,
            int c,
            long start,
            double period,
            int rows,
            long maxGapMillis,
            float[] out) {
        int channels = samples.channels();
        int n = samples.count(c);
        double windowEnd = rows * period;
        // next: the oldest sample after the cell start; next - 1 is the newest at or before it.
        int next = samples.firstAtOrAfter(c, start);
        for (int r = 0; r < rows; r++) {
            double cellStart = r * period;
            while (next < n && samples.time(c, next) - start <= cellStart) {
                next++;
            }
            float value = Float.NaN;
            int previous = next - 1;
            if (previous >= 0) {
                double before = samples.time(c, previous) - start;
                if (before == cellStart) {
                    value = samples.value(c, previous);
                } else if (next < n
                        && samples.time(c, next) - start < windowEnd
                        && samples.time(c, next) - samples.time(c, previous) <= maxGapMillis) {
                    double after = samples.time(c, next) - start;
                    double fraction = (cellStart - before) / (after - before);
                    double from = samples.value(c, previous);
                    value = (float) (from + (samples.value(c, next) - from) * fraction);
                }
            }
            out[r * channels + c] = value;
        }
    }

    /** Fills every NaN cell from its channel's neighbouring samples; false if one is too far. */
    private static boolean forwardFill(
            AssetSamples samples,
            long start,
            double period,
            int rows,
            long maxGapMillis,
            float[] out) {
        for (int c = 0; c < samples.channels(); c++) {
            if (!fillChannel(samples, c, start, period, rows, maxGapMillis, out)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fills the NaN cells of channel {@code c} from its neighbouring samples.
     *
     * @return false when a cell has no sample close enough to fill it
     */
    private static boolean fillChannel(
            AssetSamples samples,
            int c,
            long start,
            double period,
            int rows,
            long maxGapMillis,
            float[] out) {
        int channels = samples.channels();
        int n = samples.count(c);
        double windowEnd = rows * period;
        // later: the oldest sample at or after the cell start; later - 1 is the newest before it.
        int later = samples.firstAtOrAfter(c, start);
        for (int r = 0; r < rows; r++) {
            double cellStart = r * period;
            while (later < n && samples.time(c, later) - start < cellStart) {
                later++;
            }
            int cell = r * channels + c;
            if (!Float.isNaN(out[cell])) {
                continue;
            }
            if (later > 0 && cellStart - (samples.time(c, later - 1) - start) <= maxGapMillis) {
                out[cell] = samples.value(c, later - 1);
            } else {
                // Nothing recent before this cell. At the window's start (the asset just began or
                // resumed after a silence) borrow the first sample the window has; further in, the
                // gap is real.
                boolean leading = later == 0 || samples.time(c, later - 1) < start;
                if (!leading || later == n) {
                    return false;
                }
                double after = samples.time(c, later) - start;
                if (after >= windowEnd || after - cellStart > maxGapMillis) {
                    return false;
                }
                out[cell] = samples.value(c, later);
            }
        }
        return true;
    }

    private static void mask(float[] maskValues, int rows, int channels, float[] out) {
        for (int i = 0; i < rows * channels; i++) {
            if (Float.isNaN(out[i])) {
                out[i] = maskValues[i % channels];
            }
        }
    }

    private static int coveredRows(float[] out, int rows, int channels) {
        int covered = 0;
        for (int r = 0; r < rows; r++) {
            boolean full = true;
            for (int c = 0; c < channels && full; c++) {
                full = !Float.isNaN(out[r * channels + c]);
            }
            if (full) {
                covered++;
            }
        }
        return covered;
    }

    private static void checkShape(int rows, int channels, float[] out) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, found " + rows);
        }
        if (out.length < rows * channels) {
            throw new IllegalArgumentException(
                    "out holds "
                            + out.length
                            + " floats, needs rows * channels = "
                            + rows * channels);
        }
    }
}
