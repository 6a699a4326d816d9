package io.vigil.pipelines.internal;

import io.vigil.pipelines.spec.Derivation;

/**
 * Builds the model's input columns from a resampled window: each column is an input channel as is
 * or a {@link Derivation} of one. Derivations of the window are computed on the grid, after
 * resampling, so that they see evenly spaced rows whatever the readings' rates. An {@link
 * Derivation#EARLY_MEAN early mean} outlives the window: the asset's running sums, kept in its
 * state, are updated by {@link #observe} with every reading and read by {@link #earlyMeans}.
 */
final class DerivedChannels {

    private DerivedChannels() {}

    /**
     * One model input column.
     *
     * @param source the input channel it is computed from
     * @param derivation how, or null for a plain copy of {@code source}
     * @param samples the rows a {@link Derivation#ROLLING_RMS} spans, or the first readings an
     *     {@link Derivation#EARLY_MEAN} averages; ignored otherwise
     */
    record Column(int source, Derivation derivation, int samples) implements java.io.Serializable {

        Column {
            if (source < 0) {
                throw new IllegalArgumentException("source must not be negative, found " + source);
            }
            if ((derivation == Derivation.ROLLING_RMS || derivation == Derivation.EARLY_MEAN)
                    && samples <= 0) {
                throw new IllegalArgumentException(
                        derivation.yaml() + " samples must be positive, found " + samples);
            }
        }

        /** Input channel {@code source} as is. */
        static Column copy(int source) {
            return new Column(source, null, 0);
        }

        boolean early() {
            return derivation == Derivation.EARLY_MEAN;
        }
    }

    /** Whether any column is an {@link Derivation#EARLY_MEAN}, which needs per-asset sums. */
    static boolean anyEarly(Column[] columns) {
        for (Column column : columns) {
            if (column.early()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds one reading to the early-mean columns' running {@code sums} and {@code counts} (one slot
     * per column): each takes the reading's value of its source until it has its {@code samples}. A
     * missing value (NaN) is not counted.
     */
    static void observe(Column[] columns, float[] values, double[] sums, int[] counts) {
        for (int k = 0; k < columns.length; k++) {
            Column column = columns[k];
            if (column.early() && counts[k] < column.samples()) {
                float value = values[column.source()];
                if (!Float.isNaN(value)) {
                    sums[k] += value;
                    counts[k]++;
                }
            }
        }
    }

    /**
     * Sets the early-mean columns whose source has a known level in {@code levels} (one per input
     * channel, NaN where unknown) as complete, as if the asset had sent {@code samples} readings of
     * that level: an asset already in service starts from the level its records give, and its
     * readings here do not change it.
     */
    static void seed(Column[] columns, float[] levels, double[] sums, int[] counts) {
        for (int k = 0; k < columns.length; k++) {
            Column column = columns[k];
            float level = levels[column.source()];
            if (column.early() && !Float.isNaN(level)) {
                sums[k] = (double) level * column.samples();
                counts[k] = column.samples();
            }
        }
    }

    /**
     * The early-mean columns' values from their running sums into {@code out} (one slot per
     * column): the mean of what was observed, or {@code fill[source]}, the window's fill value for
     * a missing reading, while the asset has not yet reported the channel.
     */
    static void earlyMeans(
            Column[] columns, double[] sums, int[] counts, float[] fill, float[] out) {
        for (int k = 0; k < columns.length; k++) {
            Column column = columns[k];
            if (column.early()) {
                out[k] = counts[k] == 0 ? fill[column.source()] : (float) (sums[k] / counts[k]);
            }
        }
    }

    /**
     * Writes the {@code rows × columns.length} time-major tensor of {@code columns} into {@code
     * out}, computed from the {@code rows × baseChannels} time-major tensor {@code base}, in {@code
     * O(rows × columns)}. An early-mean column repeats its value from {@code early} (one slot per
     * column, from {@link #earlyMeans}) on every row.
     */
    static void apply(
            float[] base,
            int rows,
            int baseChannels,
            Column[] columns,
            float[] early,
            float[] out) {
        if (base.length < rows * baseChannels) {
            throw new IllegalArgumentException(
                    "base holds "
                            + base.length
                            + " floats, needs rows * baseChannels = "
                            + rows * baseChannels);
        }
        if (out.length < rows * columns.length) {
            throw new IllegalArgumentException(
                    "out holds "
                            + out.length
                            + " floats, needs rows * columns = "
                            + rows * columns.length);
        }
        for (int k = 0; k < columns.length; k++) {
            Column column = columns[k];
            if (column.source() >= baseChannels) {
                throw new IllegalArgumentException(
                        "column "
                                + k
                                + " reads channel "
                                + column.source()
                                + ", but there are only "
                                + baseChannels);
            }
            if (column.derivation() == null) {
                copy(base, rows, baseChannels, column.source(), out, columns.length, k);
                continue;
            }
            switch (column.derivation()) {
                case DIFFERENCE ->
                        difference(
                                base, rows, baseChannels, column.source(), out, columns.length, k);
                case ROLLING_RMS ->
                        rollingRms(
                                base,
                                rows,
                                baseChannels,
                                column.source(),
                                column.samples(),
                                out,
                                columns.length,
                                k);
                case EARLY_MEAN -> {
                    for (int r = 0; r < rows; r++) {
                        out[r * columns.length + k] = early[k];
                    }
                }
            }
        }
    }

    private static void copy(
            float[] base, int rows, int baseChannels, int source, float[] out, int width, int k) {
        for (int r = 0; r < rows; r++) {
            out[r * width + k] = base[r * baseChannels + source];
        }
    }

    private static void difference(
            float[] base, int rows, int baseChannels, int source, float[] out, int width, int k) {
        for (int r = 0; r < rows; r++) {
            out[r * width + k] =
                    r == 0
                            ? 0f
                            : base[r * baseChannels + source]
                                    - base[(r - 1) * baseChannels + source];
        }
    }

    private static void rollingRms(
            float[] base,
            int rows,
            int baseChannels,
            int source,
            int samples,
            float[] out,
            int width,
            int k) {
        // A running sum of squares keeps this O(rows) whatever the span.
        double sumOfSquares = 0;
        for (int r = 0; r < rows; r++) {
            double x = base[r * baseChannels + source];
            sumOfSquares += x * x;
            if (r >= samples) {
                double dropped = base[(r - samples) * baseChannels + source];
                sumOfSquares -= dropped * dropped;
            }
            // Subtraction can leave a rounding error just below zero when the signal falls to 0.
            double mean = Math.max(0, sumOfSquares) / Math.min(r + 1, samples);
            out[r * width + k] = (float) Math.sqrt(mean);
        }
    }
}
