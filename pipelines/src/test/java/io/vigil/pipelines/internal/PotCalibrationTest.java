package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class PotCalibrationTest {

    private static PotCalibration calibrate(DoubleSupplier scores, int windows, double quantile) {
        PotCalibration calibration = new PotCalibration();
        while (!calibration.calibrated()) {
            calibration.add(scores.getAsDouble(), windows, quantile);
        }
        return calibration;
    }

    /** Exponential scores of mean 1: light tail, GPD shape 0. */
    private static DoubleSupplier exponential(Random random) {
        return () -> -Math.log(1 - random.nextDouble());
    }

    /** Lomax (Pareto II) scores of mean 1, shape 3 and scale 2: heavy tail, GPD shape 1/3. */
    private static DoubleSupplier lomax(Random random) {
        return () -> 2 * (Math.pow(1 - random.nextDouble(), -1 / 3.0) - 1);
    }

    private static double exceedanceRate(DoubleSupplier scores, double threshold, int draws) {
        int over = 0;
        for (int i = 0; i < draws; i++) {
            over += scores.getAsDouble() > threshold ? 1 : 0;
        }
        return over / (double) draws;
    }

    @Test
    void freshScoresExceedTheThresholdAtAboutTheRisk() {
        // 10 000 windows at the 0.98 quantile leave 200 excesses; with them the estimated tail
        // rate is off by about 30 % (one standard deviation) at a risk of 1e-3, hence a factor of 2
        // on each seed. A million fresh scores add about 3 % of sampling noise.
        double risk = 1e-3;
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            PotCalibration calibration = calibrate(exponential(random), 10_000, 0.98);

            double rate =
                    exceedanceRate(exponential(random), calibration.threshold(risk), 1_000_000);

            assertThat(rate).as("seed %d", seed).isBetween(risk / 2, risk * 2);
        }
    }

    @Test
    void heavierTailGivesAHigherThreshold() {
        // Same mean, same seed: only the tail differs. True quantiles at 1e-3: 6.9 and 18.0.
        PotCalibration light = calibrate(exponential(new Random(3)), 10_000, 0.98);
        PotCalibration heavy = calibrate(lomax(new Random(3)), 10_000, 0.98);

        assertThat(PotCalibration.Tail.fit(heavy.excesses).shape())
                .isGreaterThan(PotCalibration.Tail.fit(light.excesses).shape());
        assertThat(heavy.threshold(1e-3)).isGreaterThan(light.threshold(1e-3) * 2);
    }

    @Test
    void smallerRiskGivesAHigherThresholdRecomputedFromTheKeptState() {
        PotCalibration calibration = calibrate(exponential(new Random(5)), 3_600, 0.98);
        double atOnePerThousand = calibration.threshold(1e-3);

        double previous = calibration.initialThreshold;
        for (double risk : new double[] {1e-2, 1e-3, 1e-4, 1e-5, 1e-6}) {
            double threshold = calibration.threshold(risk);
            assertThat(threshold).as("risk %s", risk).isGreaterThan(previous);
            previous = threshold;
        }
        assertThat(calibration.threshold(1e-3)).isEqualTo(atOnePerThousand);
    }

    @Test
    void keepsOnlyTheExcessesOnceCalibrated() {
        Random random = new Random(7);
        PotCalibration calibration = new PotCalibration();
        for (int i = 0; i < 999; i++) {
            calibration.add(-Math.log(1 - random.nextDouble()), 1_000, 0.98);
        }
        assertThat(calibration.calibrated()).isFalse();
        assertThat(calibration.collected()).isEqualTo(999);

        calibration.add(0.5, 1_000, 0.98);

        assertThat(calibration.calibrated()).isTrue();
        assertThat(calibration.collected()).isEqualTo(1_000);
        assertThat(calibration.sample).isNull();
        // The 0.98 quantile of 1 000 distinct scores lies between the 980th and 981st: 20 above it.
        assertThat(calibration.excesses).hasSize(20);
        assertThat(calibration.excesses[0]).isPositive();
    }

    @Test
    void ignoresScoresThatAreNotFinite() {
        PotCalibration calibration = new PotCalibration();

        calibration.add(Double.NaN, 1, 0.98);
        calibration.add(Double.POSITIVE_INFINITY, 1, 0.98);
        calibration.add(Double.NEGATIVE_INFINITY, 1, 0.98);

        assertThat(calibration.collected()).isZero();
        assertThat(calibration.calibrated()).isFalse();
    }

    @Test
    void constantScoresGiveTheirValueAsThreshold() {
        PotCalibration calibration = calibrate(() -> 1.25, 500, 0.98);

        assertThat(calibration.excesses).isEmpty();
        assertThat(calibration.threshold(1e-4)).isEqualTo(1.25);
    }

    @Test
    void equalExcessesGiveTheirCommonValue() {
        int[] next = {0};
        PotCalibration calibration = calibrate(() -> next[0]++ < 990 ? 1.0 : 2.0, 1_000, 0.98);

        assertThat(calibration.initialThreshold).isEqualTo(1.0);
        assertThat(calibration.excesses).containsOnly(1f).hasSize(10);
        assertThat(calibration.threshold(1e-3)).isEqualTo(2.0);
        // 10 of 1 000 scores exceed t: a risk of 1 % or more is t itself.
        assertThat(calibration.threshold(0.01)).isEqualTo(1.0);
    }

    @Test
    void fewExcessesFallBackToAnExponentialTail() {
        PotCalibration calibration = calibrate(exponential(new Random(11)), 100, 0.95);
        float[] excesses = calibration.excesses;
        assertThat(excesses).hasSize(5);
        double mean = 0;
        for (float excess : excesses) {
            mean += excess / 5.0;
        }

        // 2 % of 100 scores is 2 of the 5 excesses: the 0.4 tail quantile of an exponential.
        assertThat(calibration.threshold(0.02))
                .isCloseTo(calibration.initialThreshold - mean * Math.log(0.4), within(1e-9));
        assertThat(calibration.threshold(1e-3))
                .isFinite()
                .isGreaterThanOrEqualTo(calibration.initialThreshold + excesses[4]);
    }

    @Test
    void aRiskBelowOneInTheSampleNeverGivesLessThanTheLargestCalibrationScore() {
        // 980 scores of 1, 19 close to 2 and one of 3. The tight cluster of excesses fits a tail
        // ending near 2.2, short of the 3 that the asset has already shown.
        int[] next = {0};
        DoubleSupplier scores =
                () -> {
                    int i = next[0]++;
                    return i < 980 ? 1.0 : i < 999 ? 2.0 + (i - 980) * 0.001 : 3.0;
                };
        PotCalibration calibration = calibrate(scores, 1_000, 0.98);

        assertThat(calibration.threshold(5e-3)).as("5 in the sample").isLessThan(2.5);
        assertThat(calibration.threshold(1e-4)).isCloseTo(3.0, within(1e-6));
    }

    @Test
    void boundedScoresGiveAThresholdBetweenTheLargestScoreAndTheBound() {
        // Uniform scores on [0, 1): excesses over the 0.9 quantile fit a shape near -1, whose tail
        // ends near 1.
        Random random = new Random(13);
        PotCalibration calibration = calibrate(random::nextDouble, 10_000, 0.9);
        double largest =
                calibration.initialThreshold
                        + calibration.excesses[calibration.excesses.length - 1];

        assertThat(PotCalibration.Tail.fit(calibration.excesses).shape()).isLessThan(-0.5);
        assertThat(calibration.threshold(1e-9)).isBetween(largest, 1.01);
    }

    @Test
    void collectsAtMostMaxWindows() {
        PotCalibration calibration =
                calibrate(exponential(new Random(17)), Integer.MAX_VALUE, 0.98);

        assertThat(calibration.collected()).isEqualTo(PotCalibration.MAX_WINDOWS);
        assertThat(calibration.excesses).hasSize(200);
    }

    @Test
    void loweringWindowsBelowTheScoresCollectedEndsTheCalibration() {
        PotCalibration calibration = new PotCalibration();
        for (int i = 0; i < 50; i++) {
            calibration.add(i, 100, 0.9);
        }

        calibration.add(50, 20, 0.9);

        assertThat(calibration.calibrated()).isTrue();
        assertThat(calibration.collected()).isEqualTo(51);
    }

    @Test
    void thresholdBeforeCalibrationIsAnError() {
        PotCalibration calibration = new PotCalibration();
        calibration.add(1.0, 10, 0.98);

        assertThatThrownBy(() -> calibration.threshold(1e-3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Calibration has not ended: 1 scores collected.");
    }

    @Test
    void rejectsParametersOutOfRange() {
        PotCalibration calibration = calibrate(exponential(new Random(19)), 100, 0.9);

        assertThatThrownBy(() -> calibration.threshold(0))
                .hasMessage("risk must be in (0, 1), got 0.0.");
        assertThatThrownBy(() -> calibration.threshold(1))
                .hasMessage("risk must be in (0, 1), got 1.0.");
        assertThatThrownBy(() -> new PotCalibration().add(1, 0, 0.98))
                .hasMessage("windows must be at least 1, got 0.");
        assertThatThrownBy(() -> new PotCalibration().add(1, 10, 1))
                .hasMessage("initialQuantile must be in (0, 1), got 1.0.");
    }

    @Test
    void isAFlinkPojoThatRestoresMidCalibrationAndAfter() throws IOException {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(PotCalibration.class);
        Random random = new Random(23);
        PotCalibration calibration = new PotCalibration();
        for (int i = 0; i < 1_000; i++) {
            calibration.add(-Math.log(1 - random.nextDouble()), 2_000, 0.98);
        }

        PotCalibration restored = roundTrip(calibration);
        for (int i = 0; i < 1_000; i++) {
            double score = -Math.log(1 - random.nextDouble());
            calibration.add(score, 2_000, 0.98);
            restored.add(score, 2_000, 0.98);
        }

        assertThat(roundTrip(restored).threshold(1e-4)).isEqualTo(calibration.threshold(1e-4));
    }

    private static PotCalibration roundTrip(PotCalibration state) throws IOException {
        TypeSerializer<PotCalibration> serializer =
                TypeInformation.of(PotCalibration.class)
                        .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(state, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
