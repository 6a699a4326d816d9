package io.vigil.pipelines.internal;

import static io.vigil.pipelines.spec.MissingPolicy.FORWARD_FILL;
import static io.vigil.pipelines.spec.MissingPolicy.MASK;
import static io.vigil.pipelines.spec.MissingPolicy.SKIP;
import static io.vigil.pipelines.spec.Resampling.LAST;
import static io.vigil.pipelines.spec.Resampling.LINEAR;
import static io.vigil.pipelines.spec.Resampling.MEAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    private static final float NO = Float.NaN;

    /** Adds samples of one channel: {@code timesAndValues} alternates event time and value. */
    private static void channel(AssetSamples samples, int channel, float... timesAndValues) {
        for (int i = 0; i < timesAndValues.length; i += 2) {
            float[] reading = new float[samples.channels()];
            Arrays.fill(reading, NO);
            reading[channel] = timesAndValues[i + 1];
            samples.add((long) timesAndValues[i], reading);
        }
    }

    /**
     * Two channels at different, jittered rates, one channel per reading. Cells of 10 ms from 1000:
     * [1000, 1010) [1010, 1020) [1020, 1030) [1030, 1040).
     */
    private static AssetSamples irregular() {
        AssetSamples samples = new AssetSamples(2);
        // Channel 0 about every 4 ms; its 1040 sample is past the window's end.
        channel(samples, 0, 1000, 1, 1004, 2, 1009, 3, 1012, 4, 1017, 5);
        channel(samples, 0, 1021, 6, 1025, 7, 1029, 8, 1033, 9, 1038, 10, 1040, 99);
        // Channel 1 about every 10 ms.
        channel(samples, 1, 1002, 100, 1013, 200, 1027, 300, 1031, 400);
        return samples;
    }

    @Test
    void lastTakesEachCellsNewestSample() {
        float[] out = new float[8];
        int covered = Resampler.resample(irregular(), 1000, 10, 4, LAST, SKIP, 0, null, out);
        // Channel 0: 1009 -> 3, 1017 -> 5, 1029 -> 8, 1038 -> 10; channel 1 one sample a cell.
        assertThat(covered).isEqualTo(4);
        assertThat(out).containsExactly(3, 100, 5, 200, 8, 300, 10, 400);
    }

    @Test
    void meanAveragesEachCellsSamples() {
        float[] out = new float[8];
        int covered = Resampler.resample(irregular(), 1000, 10, 4, MEAN, SKIP, 0, null, out);
        // Channel 0: (1+2+3)/3 = 2, (4+5)/2 = 4.5, (6+7+8)/3 = 7, (9+10)/2 = 9.5.
        assertThat(covered).isEqualTo(4);
        assertThat(out).containsExactly(2, 100, 4.5f, 200, 7, 300, 9.5f, 400);
    }

    @Test
    void linearInterpolatesAtEachCellStart() {
        AssetSamples samples = new AssetSamples(1);
        // 995 is the left neighbour before the window; 1045 is past its end (1040).
        channel(samples, 0, 995, 0, 1005, 10, 1010, 20, 1026, 36, 1035, 45, 1045, 1000);
        float[] out = new float[4];
        int covered = Resampler.resample(samples, 1000, 10, 4, LINEAR, SKIP, 20, null, out);
        // 1000: between 995:0 and 1005:10, 0 + 10 * 5/10 = 5.
        // 1010: a sample right at the start, 20.
        // 1020: between 1010:20 and 1026:36, 20 + 16 * 10/16 = 30.
        // 1030: between 1026:36 and 1035:45, 36 + 9 * 4/9 = 40.
        assertThat(covered).isEqualTo(4);
        assertThat(out).containsExactly(5, 20, 30, 40);
    }

    @Test
    void linearDoesNotCoverAGapLongerThanMaxGap() {
        AssetSamples samples = new AssetSamples(1);
        channel(samples, 0, 0, 0, 35, 35);
        float[] out = new float[4];
        // Cells start at 0, 10, 20, 30. 0 is exact; the others lie in a 35 ms gap, over 20.
        assertThat(Resampler.resample(samples, 0, 10, 4, LINEAR, MASK, 20, new float[] {-1}, out))
                .isEqualTo(1);
        assertThat(out).containsExactly(0, -1, -1, -1);
        // Forward-fill carries 0 to 10 (age 10) and 20 (age 20), not to 30 (age 30 > 20).
        assertThat(Resampler.resample(samples, 0, 10, 4, LINEAR, FORWARD_FILL, 20, null, out))
                .isEqualTo(-1);
        // With a 30 ms max gap the 35 ms gap is still missing data, but 0 reaches every cell.
        assertThat(Resampler.resample(samples, 0, 10, 4, LINEAR, FORWARD_FILL, 30, null, out))
                .isEqualTo(1);
        assertThat(out).containsExactly(0, 0, 0, 0);
        // With a 35 ms max gap the line is trusted: 10, 20, 30 on the line from 0:0 to 35:35.
        assertThat(Resampler.resample(samples, 0, 10, 4, LINEAR, SKIP, 35, null, out)).isEqualTo(4);
        assertThat(out).containsExactly(0, 10, 20, 30);
    }

    @Test
    void linearUsesNoSamplePastTheWindowsEnd() {
        AssetSamples samples = new AssetSamples(1);
        channel(samples, 0, 0, 0, 5, 5, 25, 25);
        float[] out = new float[2];
        // Cell 1 starts at 10; its right neighbour 25 lies past the end (20), so it is missing
        // and forward-fill takes 5 (age 5), not the line's 10.
        assertThat(Resampler.resample(samples, 0, 10, 2, LINEAR, FORWARD_FILL, 100, null, out))
                .isEqualTo(1);
        assertThat(out).containsExactly(0, 5);
    }

    @Test
    void forwardFillUsesTheLeftNeighbourKeptAcrossTheWindowStart() {
        AssetSamples samples = new AssetSamples(1);
        channel(samples, 0, 985, 7, 992, 8, 1015, 9, 1031, 10);
        samples.evictBefore(1000);
        assertThat(samples.count(0)).isEqualTo(3); // 992, 1015, 1031

        float[] out = new float[4];
        int covered = Resampler.resample(samples, 1000, 10, 4, LAST, FORWARD_FILL, 10, null, out);
        // [1000, 1010) is empty: 992:8 is 8 ms old at 1000. [1020, 1030) is empty: 1015:9 is 5
        // ms old at 1020. Only cells 1 and 3 hold real samples.
        assertThat(covered).isEqualTo(2);
        assertThat(out).containsExactly(8, 9, 9, 10);
    }

    @Test
    void forwardFillFailsWhenTheGapIsLongerThanMaxGap() {
        AssetSamples samples = new AssetSamples(1);
        channel(samples, 0, 992, 8, 1015, 9, 1031, 10);
        float[] out = new float[4];
        // 992 is 8 ms old at 1000, over a 7 ms max gap.
        assertThat(Resampler.resample(samples, 1000, 10, 4, LAST, FORWARD_FILL, 7, null, out))
                .isEqualTo(-1);
    }

    @Test
    void forwardFillBackFillsLeadingCellsWithNoEarlierSample() {
        AssetSamples samples = new AssetSamples(1);
        channel(samples, 0, 1013, 5, 1020, 6, 1030, 7);
        float[] out = new float[4];
        // [1000, 1010) has nothing before it: 1013:5 is 13 ms after 1000, within 15.
        assertThat(Resampler.resample(samples, 1000, 10, 4, LAST, FORWARD_FILL, 15, null, out))
                .isEqualTo(3);
        assertThat(out).containsExactly(5, 5, 6, 7);
        // 13 ms is over a 12 ms max gap.
        assertThat(Resampler.resample(samples, 1000, 10, 4, LAST, FORWARD_FILL, 12, null, out))
                .isEqualTo(-1);
    }

    @Test
    void forwardFillFailsForAChannelWithNoSampleInReach() {
        AssetSamples samples = new AssetSamples(2);
        channel(samples, 0, 0, 1, 10, 2);
        channel(samples, 1, 25, 3); // past the window's end (20): no use
        float[] out = new float[4];
        assertThat(Resampler.resample(samples, 0, 10, 2, LAST, FORWARD_FILL, 100, null, out))
                .isEqualTo(-1);
    }

    @Test
    void maskFillsNormalValuesAndTheirRowsAreNotCovered() {
        AssetSamples samples = new AssetSamples(2);
        channel(samples, 0, 1, 1, 11, 2, 21, 3, 31, 4);
        channel(samples, 1, 2, 10, 22, 30);
        float[] out = new float[8];
        float[] normal = {-1, 99};
        int covered = Resampler.resample(samples, 0, 10, 4, LAST, MASK, 0, normal, out);
        // Channel 1 misses cells 1 and 3: they take its normal value 99, and only rows 0 and 2
        // are covered.
        assertThat(covered).isEqualTo(2);
        assertThat(out).containsExactly(1, 10, 2, 99, 3, 30, 4, 99);
    }

    @Test
    void skipRefusesAnyMissingCell() {
        AssetSamples samples = new AssetSamples(2);
        channel(samples, 0, 1, 1, 11, 2, 21, 3, 31, 4);
        channel(samples, 1, 2, 10, 22, 30);
        assertThat(Resampler.resample(samples, 0, 10, 4, LAST, SKIP, 0, null, new float[8]))
                .isEqualTo(-1);
        // The first two cells alone are full.
        channel(samples, 1, 12, 20);
        float[] out = new float[4];
        assertThat(Resampler.resample(samples, 0, 10, 2, LAST, SKIP, 0, null, out)).isEqualTo(2);
        assertThat(out).containsExactly(1, 10, 2, 20);
    }

    @Test
    void partialReadingsAtTheSameTimeMakeOneFullRow() {
        AssetSamples samples = new AssetSamples(3);
        // One topic per channel: each reading carries one channel.
        samples.add(0, new float[] {1, NO, NO});
        samples.add(0, new float[] {NO, 2, NO});
        samples.add(3, new float[] {NO, NO, 3});
        samples.add(10, new float[] {NO, NO, 6});
        samples.add(12, new float[] {4, NO, NO});
        samples.add(14, new float[] {NO, 5, NO});
        float[] out = new float[6];
        assertThat(Resampler.resample(samples, 0, 10, 2, LAST, SKIP, 0, null, out)).isEqualTo(2);
        assertThat(out).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void sessionWindowsDivideTheirSpanIntoFractionalCells() {
        AssetSamples samples = new AssetSamples(1);
        // A 10 ms burst in 3 rows: [0, 3.33) [3.33, 6.67) [6.67, 10); 10 itself is past the end.
        channel(samples, 0, 0, 1, 3, 2, 4, 3, 6, 4, 7, 5, 9, 6, 10, 7);
        double period = 10 / 3.0;
        float[] out = new float[3];

        assertThat(Resampler.resample(samples, 0, period, 3, LAST, SKIP, 0, null, out))
                .isEqualTo(3);
        assertThat(out).containsExactly(2, 4, 6);

        assertThat(Resampler.resample(samples, 0, period, 3, MEAN, SKIP, 0, null, out))
                .isEqualTo(3);
        assertThat(out).containsExactly(1.5f, 3.5f, 5.5f);

        // At 0 exact: 1. At 3.33 between 3:2 and 4:3: 2.33. At 6.67 between 6:4 and 7:5: 4.67.
        assertThat(Resampler.resample(samples, 0, period, 3, LINEAR, SKIP, 10, null, out))
                .isEqualTo(3);
        assertThat(out[0]).isEqualTo(1);
        assertThat(out[1]).isCloseTo(2 + 1 / 3f, within(1e-5f));
        assertThat(out[2]).isCloseTo(4 + 2 / 3f, within(1e-5f));
    }

    @Test
    void lastNTakesEachChannelsNewestSamplesInTimeOrder() {
        AssetSamples samples = new AssetSamples(2);
        channel(samples, 0, 10, 1, 20, 2, 30, 3);
        channel(samples, 1, 25, 20, 15, 10);
        float[] out = new float[6];
        assertThat(Resampler.lastN(samples, 2, 2, out)).isEqualTo(2);
        assertThat(Arrays.copyOf(out, 4)).containsExactly(2, 10, 3, 20);
        // Channel 1 holds only two samples.
        assertThat(Resampler.lastN(samples, 3, 3, out)).isEqualTo(-1);
    }

    @Test
    void lastNPadsAShortHistoryWithEachChannelsFirstSample() {
        AssetSamples samples = new AssetSamples(2);
        channel(samples, 0, 10, 1, 20, 2, 30, 3);
        channel(samples, 1, 25, 20, 35, 30);
        float[] out = new float[8];
        // Four rows wanted, two allowed to be padding: channel 0 pads one row, channel 1 two.
        assertThat(Resampler.lastN(samples, 4, 2, out)).isEqualTo(2);
        assertThat(out).containsExactly(1, 20, 1, 20, 2, 20, 3, 30);
        assertThat(Resampler.lastN(samples, 4, 3, out)).isEqualTo(-1);
    }

    @Test
    void rejectsAnOutputTooSmallForTheWindow() {
        assertThatThrownBy(
                        () ->
                                Resampler.resample(
                                        new AssetSamples(2),
                                        0,
                                        10,
                                        4,
                                        LAST,
                                        SKIP,
                                        0,
                                        null,
                                        new float[7]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("out holds 7 floats, needs rows * channels = 8");
        assertThatThrownBy(
                        () ->
                                Resampler.resample(
                                        new AssetSamples(2),
                                        0,
                                        10,
                                        4,
                                        LAST,
                                        MASK,
                                        0,
                                        new float[1],
                                        new float[8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask needs one value per channel (2)");
    }
}
