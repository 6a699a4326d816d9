package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AssetSamplesTest {

    private static final float NO = Float.NaN;

    private static long[] times(AssetSamples samples, int channel) {
        long[] times = new long[samples.count(channel)];
        for (int i = 0; i < times.length; i++) {
            times[i] = samples.time(channel, i);
        }
        return times;
    }

    private static float[] values(AssetSamples samples, int channel) {
        float[] values = new float[samples.count(channel)];
        for (int i = 0; i < values.length; i++) {
            values[i] = samples.value(channel, i);
        }
        return values;
    }

    @Test
    void startsEmpty() {
        AssetSamples samples = new AssetSamples(2);
        assertThat(samples.isEmpty()).isTrue();
        assertThat(samples.channels()).isEqualTo(2);
        assertThat(samples.oldest()).isEqualTo(Long.MAX_VALUE);
        assertThat(samples.newest()).isEqualTo(Long.MIN_VALUE);
        assertThat(samples.readings).isZero();
    }

    @Test
    void partialReadingsFeedOnlyTheChannelsTheyCarry() {
        AssetSamples samples = new AssetSamples(2);
        samples.add(10, new float[] {1, NO});
        samples.add(20, new float[] {NO, 5});
        samples.add(30, new float[] {2, 6});

        assertThat(times(samples, 0)).containsExactly(10, 30);
        assertThat(values(samples, 0)).containsExactly(1, 2);
        assertThat(times(samples, 1)).containsExactly(20, 30);
        assertThat(values(samples, 1)).containsExactly(5, 6);
        assertThat(samples.readings).isEqualTo(3);
        assertThat(samples.oldest()).isEqualTo(10);
        assertThat(samples.newest()).isEqualTo(30);
        assertThat(samples.isEmpty()).isFalse();
    }

    @Test
    void insertsOutOfOrderSamplesInPlace() {
        AssetSamples samples = new AssetSamples(1);
        samples.add(10, new float[] {1});
        samples.add(30, new float[] {3});
        samples.add(20, new float[] {2});
        samples.add(5, new float[] {0});

        assertThat(times(samples, 0)).containsExactly(5, 10, 20, 30);
        assertThat(values(samples, 0)).containsExactly(0, 1, 2, 3);
        // newest is the newest event time, not the last one added.
        assertThat(samples.newest()).isEqualTo(30);
        assertThat(samples.oldest()).isEqualTo(5);
    }

    @Test
    void aSampleAtAnExistingTimeReplacesIt() {
        AssetSamples samples = new AssetSamples(1);
        samples.add(10, new float[] {1});
        samples.add(20, new float[] {2});
        samples.add(10, new float[] {9}); // older one, re-sent
        samples.add(20, new float[] {8}); // newest one, re-sent

        assertThat(times(samples, 0)).containsExactly(10, 20);
        assertThat(values(samples, 0)).containsExactly(9, 8);
        assertThat(samples.readings).isEqualTo(4);
    }

    @Test
    void growsPastItsInitialCapacityInEitherOrder() {
        AssetSamples samples = new AssetSamples(2);
        for (int i = 0; i < 100; i++) {
            samples.add(i, new float[] {i, NO});
            samples.add(1000 - i, new float[] {NO, i});
        }
        assertThat(samples.count(0)).isEqualTo(100);
        assertThat(samples.count(1)).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            assertThat(samples.time(0, i)).isEqualTo(i);
            assertThat(samples.value(0, i)).isEqualTo(i);
            // Channel 1 was added newest first: sample i is at 901 + i, added as 99 - i.
            assertThat(samples.time(1, i)).isEqualTo(901 + i);
            assertThat(samples.value(1, i)).isEqualTo(99 - i);
        }
    }

    @Test
    void evictBeforeKeepsEachChannelsLeftNeighbour() {
        AssetSamples samples = new AssetSamples(2);
        for (long t : new long[] {10, 20, 30, 40}) {
            samples.add(t, new float[] {t, NO});
        }
        samples.add(5, new float[] {NO, 5});
        samples.add(35, new float[] {NO, 35});

        samples.evictBefore(30);
        // Channel 0 keeps 20, the newest before 30; channel 1 keeps 5, its only one before 30.
        assertThat(times(samples, 0)).containsExactly(20, 30, 40);
        assertThat(values(samples, 0)).containsExactly(20, 30, 40);
        assertThat(times(samples, 1)).containsExactly(5, 35);
        assertThat(samples.oldest()).isEqualTo(5);

        samples.evictBefore(100);
        assertThat(times(samples, 0)).containsExactly(40);
        assertThat(times(samples, 1)).containsExactly(35);
        assertThat(samples.oldest()).isEqualTo(35);
        assertThat(samples.newest()).isEqualTo(40);
    }

    @Test
    void evictBeforeTheOldestSampleKeepsEverything() {
        AssetSamples samples = new AssetSamples(1);
        samples.add(10, new float[] {1});
        samples.add(20, new float[] {2});
        samples.evictBefore(10);
        assertThat(times(samples, 0)).containsExactly(10, 20);
        samples.evictBefore(0);
        assertThat(times(samples, 0)).containsExactly(10, 20);
    }

    @Test
    void keepLastKeepsTheNewestSamplesOfEachChannel() {
        AssetSamples samples = new AssetSamples(2);
        for (long t = 10; t <= 50; t += 10) {
            samples.add(t, new float[] {t, NO});
        }
        samples.add(25, new float[] {NO, 7});

        samples.keepLast(2);
        assertThat(times(samples, 0)).containsExactly(40, 50);
        assertThat(values(samples, 0)).containsExactly(40, 50);
        assertThat(times(samples, 1)).containsExactly(25);

        samples.keepLast(0);
        assertThat(samples.isEmpty()).isTrue();
        assertThat(samples.oldest()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void memoryShrinksWithTheSamplesHeld() {
        AssetSamples samples = new AssetSamples(1);
        for (int i = 0; i < 1000; i++) {
            samples.add(i, new float[] {i});
        }
        assertThat(samples.times[0].length).isGreaterThanOrEqualTo(1000);

        samples.evictBefore(997); // keeps 996 (left neighbour) to 999
        assertThat(times(samples, 0)).containsExactly(996, 997, 998, 999);
        assertThat(samples.times[0].length).isLessThanOrEqualTo(8);
        assertThat(samples.values[0].length).isEqualTo(samples.times[0].length);
    }

    @Test
    void roundTripThroughEvictAndKeepLastKeepsOrder() {
        AssetSamples samples = new AssetSamples(2);
        // Jittered arrival: every fourth reading is two steps late.
        for (int i = 0; i < 200; i++) {
            long t = i % 4 == 0 && i >= 2 ? (i - 2) * 10L + 5 : i * 10L;
            samples.add(t, new float[] {t, i % 2 == 0 ? t : NO});
        }
        samples.evictBefore(1000);
        samples.keepLast(50);
        for (int i = 2000; i < 2100; i += 10) {
            samples.add(i, new float[] {i, i});
        }
        samples.add(1995, new float[] {1995, 1995});

        for (int c = 0; c < 2; c++) {
            long[] times = times(samples, c);
            float[] values = values(samples, c);
            assertThat(times).isSorted().doesNotHaveDuplicates();
            assertThat(times[times.length - 1]).isEqualTo(2090);
            assertThat(times).contains(1995);
            for (int i = 0; i < times.length; i++) {
                // Every value was its own event time, so order is preserved iff they agree.
                assertThat(values[i]).isEqualTo((float) times[i]);
            }
        }
        assertThat(samples.count(0)).isEqualTo(50 + 10 + 1);
        assertThat(samples.readings).isEqualTo(211);
    }

    @Test
    void rejectsAReadingOfTheWrongWidth() {
        AssetSamples samples = new AssetSamples(2);
        assertThatThrownBy(() -> samples.add(0, new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reading has 1 values, expected 2");
    }
}
