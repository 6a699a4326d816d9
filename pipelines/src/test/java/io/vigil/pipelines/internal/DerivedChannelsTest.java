package io.vigil.pipelines.internal;

import static io.vigil.pipelines.spec.Derivation.DIFFERENCE;
import static io.vigil.pipelines.spec.Derivation.EARLY_MEAN;
import static io.vigil.pipelines.spec.Derivation.ROLLING_RMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vigil.pipelines.internal.DerivedChannels.Column;
import org.junit.jupiter.api.Test;

class DerivedChannelsTest {

    /** Four rows of two channels: x0 = 1, 3, 6, 10 and x1 = 2, 2, 14, 2. */
    private static final float[] BASE = {1, 2, 3, 2, 6, 14, 10, 2};

    @Test
    void copiesAndDerivesColumnsRowByRow() {
        Column[] columns = {
            Column.copy(1), new Column(0, DIFFERENCE, 0), new Column(1, ROLLING_RMS, 2)
        };
        float[] out = new float[12];
        DerivedChannels.apply(BASE, 4, 2, columns, null, out);
        // Difference of x0: 0, 3-1 = 2, 6-3 = 3, 10-6 = 4.
        // RMS of x1 over 2 rows: sqrt(4/1) = 2, sqrt((4+4)/2) = 2, sqrt((4+196)/2) = 10,
        // sqrt((196+4)/2) = 10.
        assertThat(out).containsExactly(2, 0, 2, 2, 2, 2, 14, 3, 10, 2, 4, 10);
    }

    @Test
    void rollingRmsAveragesFewerRowsAtTheStart() {
        float[] out = new float[4];
        DerivedChannels.apply(BASE, 4, 2, new Column[] {new Column(0, ROLLING_RMS, 10)}, null, out);
        // Over all rows so far: sqrt(1) = 1, sqrt((1+9)/2) = 2.2360680, sqrt((1+9+36)/3) =
        // 3.9157800, sqrt((1+9+36+100)/4) = 6.0415230.
        assertThat(out[0]).isEqualTo(1);
        assertThat(out[1]).isCloseTo(2.2360680f, within(1e-6f));
        assertThat(out[2]).isCloseTo(3.9157800f, within(1e-6f));
        assertThat(out[3]).isCloseTo(6.0415230f, within(1e-6f));
    }

    @Test
    void rollingRmsOfSilenceIsZeroNotNaN() {
        // Over 2 rows, the running sum of these squares ends at -1.4e-14, not 0, in the last row.
        float[] base = {9.637048f, 1.5957803f, 9.398653f, 0, 0};
        float[] out = new float[5];
        DerivedChannels.apply(base, 5, 1, new Column[] {new Column(0, ROLLING_RMS, 2)}, null, out);
        // Row 3: sqrt((9.398653^2 + 0) / 2) = 6.6458513.
        assertThat(out[3]).isCloseTo(6.6458513f, within(1e-5f));
        assertThat(out[4]).isZero();
    }

    @Test
    void anEarlyMeanAveragesTheFirstReadingsAndThenHolds() {
        Column[] columns = {Column.copy(0), new Column(1, EARLY_MEAN, 3)};
        double[] sums = new double[2];
        int[] counts = new int[2];
        float[] early = new float[2];
        float[] fill = {0, -7};
        DerivedChannels.earlyMeans(columns, sums, counts, fill, early);
        // Nothing reported yet: the window's fill value of the source channel.
        assertThat(early[1]).isEqualTo(-7);

        DerivedChannels.observe(columns, new float[] {5, 2}, sums, counts);
        DerivedChannels.observe(columns, new float[] {5, Float.NaN}, sums, counts);
        DerivedChannels.earlyMeans(columns, sums, counts, fill, early);
        // A missing value does not count: the mean of the one reading so far.
        assertThat(early[1]).isEqualTo(2);

        for (float value : new float[] {4, 9, 100, 1000}) {
            DerivedChannels.observe(columns, new float[] {5, value}, sums, counts);
        }
        DerivedChannels.earlyMeans(columns, sums, counts, fill, early);
        // The first three values, 2, 4 and 9; the later ones do not move it.
        assertThat(early[1]).isEqualTo(5);
        assertThat(counts).containsExactly(0, 3);

        float[] out = new float[8];
        DerivedChannels.apply(BASE, 4, 2, columns, early, out);
        assertThat(out).containsExactly(1, 5, 3, 5, 6, 5, 10, 5);
    }

    @Test
    void rejectsAColumnOfAMissingChannel() {
        assertThatThrownBy(
                        () ->
                                DerivedChannels.apply(
                                        BASE,
                                        4,
                                        2,
                                        new Column[] {Column.copy(2)},
                                        null,
                                        new float[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 0 reads channel 2, but there are only 2");
        assertThatThrownBy(() -> new Column(0, ROLLING_RMS, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rolling-rms samples must be positive, found 0");
        assertThatThrownBy(() -> new Column(0, EARLY_MEAN, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("early-mean samples must be positive, found 0");
    }
}
