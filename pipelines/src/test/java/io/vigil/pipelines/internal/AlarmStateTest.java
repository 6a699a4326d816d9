package io.vigil.pipelines.internal;

import static io.vigil.pipelines.internal.AlarmState.Transition.CLEARED;
import static io.vigil.pipelines.internal.AlarmState.Transition.NONE;
import static io.vigil.pipelines.internal.AlarmState.Transition.RAISED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.pipelines.internal.AlarmState.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** Windows every second (ends at 1 000, 2 000, ... ms), raise level 1.0 unless said otherwise. */
class AlarmStateTest {

    private static final long HOP = 1_000;

    /** Feeds the scores as consecutive windows and returns one transition per window. */
    private static List<Transition> feed(
            AlarmState alarm, double clear, int k, int n, long cooldown, double... scores) {
        List<Transition> transitions = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            transitions.add(alarm.update((i + 1) * HOP, scores[i], 1.0, clear, k, n, cooldown));
        }
        return transitions;
    }

    @Test
    void oneOfOneRaisesAtTheFirstWindowOverAndClearsAtTheFirstUnder() {
        AlarmState alarm = new AlarmState();

        assertThat(feed(alarm, 1.0, 1, 1, 0, 0.5, 1.0, 1.5, 1.2, 0.9, 0.4))
                .containsExactly(NONE, NONE, RAISED, NONE, CLEARED, NONE);
        assertThat(alarm.episodeStart()).isEqualTo(3_000);
        assertThat(alarm.clearedAt()).isEqualTo(5_000);
        assertThat(alarm.windowsOver()).isEqualTo(2);
    }

    @Test
    void threeOfFiveIgnoresTwoIsolatedSpikesAndRaisesOnTheThirdWithinFive() {
        AlarmState alarm = new AlarmState();

        // Spikes at windows 2 and 4: two in five. Then 10, 12 and 14: the third in five raises.
        assertThat(feed(alarm, 1.0, 3, 5, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 2, 0, 2, 0, 2))
                .containsExactly(
                        NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE,
                        NONE, RAISED);
        assertThat(alarm.active()).isTrue();
        assertThat(alarm.episodeStart()).isEqualTo(14_000);
    }

    @Test
    void hysteresisKeepsTheAlarmThroughADipBetweenClearAndRaise() {
        double[] scores = {1.5, 0.8, 1.5, 0.6};

        assertThat(feed(new AlarmState(), 0.7, 1, 1, 0, scores))
                .containsExactly(RAISED, NONE, NONE, CLEARED);
        assertThat(feed(new AlarmState(), 1.0, 1, 1, 0, scores))
                .as("without hysteresis")
                .containsExactly(RAISED, CLEARED, RAISED, CLEARED);
    }

    @Test
    void cooldownSuppressesARaiseInsideItAndAllowsItAfter() {
        AlarmState alarm = new AlarmState();

        // Cleared at 2 000 ms; 10 s of cooldown: no raise before 12 000 ms.
        List<Transition> transitions =
                feed(alarm, 1.0, 1, 1, 10_000, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2);

        assertThat(transitions.subList(0, 2)).containsExactly(RAISED, CLEARED);
        assertThat(transitions.subList(2, 11)).containsOnly(NONE);
        assertThat(transitions.subList(11, 13)).containsExactly(RAISED, NONE);
        assertThat(alarm.episodeStart()).isEqualTo(12_000);
    }

    @Test
    void windowsInsideTheCooldownCountTowardTheDebounce() {
        AlarmState alarm = new AlarmState();

        // 3 of 5, cleared at 6 000 ms, 4 s of cooldown. Windows 7 to 9 are over inside it and still
        // count. Window 10 ends the cooldown but is under the level, and only a window over the
        // level raises: window 11 does, with 4 of its last 5 over.
        assertThat(feed(alarm, 1.0, 3, 5, 4_000, 2, 2, 2, 0, 0, 0, 2, 2, 2, 0, 2))
                .containsExactly(
                        NONE, NONE, RAISED, NONE, NONE, CLEARED, NONE, NONE, NONE, NONE, RAISED);
    }

    @Test
    void tracksThePeakAndTheWindowsOverOfTheEpisode() {
        AlarmState alarm = new AlarmState();

        feed(alarm, 0.5, 1, 1, 0, 0.2, 1.4, 3.5, 0.8, 2.1, 0.1);

        assertThat(alarm.active()).isFalse();
        assertThat(alarm.peakScore()).isEqualTo(3.5);
        assertThat(alarm.windowsOver()).isEqualTo(3);
        assertThat(alarm.episodeStart()).isEqualTo(2_000);
        assertThat(alarm.clearedAt()).isEqualTo(6_000);
    }

    @Test
    void aLongNoisySequenceGivesOneEpisodePerFault() {
        // 20 000 windows of noise below the clear level, 15 faults of 5 to 30 windows with dips
        // between clear and raise, and isolated spikes and pairs of spikes at least 10 windows from
        // anything else. 3 of 5, clear 0.7, 30 s of cooldown: each fault raises at its third
        // window and clears at the third window after it, and nothing else raises.
        Random random = new Random(29);
        double[] scores = new double[20_000];
        boolean[] taken = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = 0.6 * random.nextDouble();
        }
        List<Integer> expectedRaises = new ArrayList<>();
        List<Integer> expectedClears = new ArrayList<>();
        for (int fault = 0; fault < 15; fault++) {
            int start = fault * 1_300 + 100 + random.nextInt(1_000);
            int length = 5 + random.nextInt(26);
            for (int i = start; i < start + length; i++) {
                scores[i] = (i - start) % 4 == 3 ? 0.8 : 1.2 + 2 * random.nextDouble();
            }
            Arrays.fill(taken, start - 10, start + length + 10, true);
            expectedRaises.add(start + 2);
            expectedClears.add(start + length + 2);
        }
        int spikes = 0;
        for (int i = 10; i < scores.length - 10; i++) {
            if (random.nextDouble() < 0.02 && !taken[i]) {
                boolean pair = random.nextBoolean();
                scores[i] = 1.5 + random.nextDouble();
                if (pair) {
                    scores[i + 1 + random.nextInt(4)] = 1.5 + random.nextDouble();
                }
                Arrays.fill(taken, i - 10, Math.min(i + 15, scores.length), true);
                spikes++;
            }
        }
        assertThat(spikes).isGreaterThan(50);

        AlarmState alarm = new AlarmState();
        List<Integer> raises = new ArrayList<>();
        List<Integer> clears = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            Transition transition = alarm.update(i * HOP, scores[i], 1.0, 0.7, 3, 5, 30_000);
            if (transition == RAISED) {
                raises.add(i);
            } else if (transition == CLEARED) {
                clears.add(i);
            }
        }

        assertThat(raises).isEqualTo(expectedRaises);
        assertThat(clears).isEqualTo(expectedClears);
    }

    @Test
    void rejectsParametersOutOfRange() {
        AlarmState alarm = new AlarmState();

        assertThatThrownBy(() -> alarm.update(0, 1, 1, 1, 0, 5, 0))
                .hasMessage("k and n must satisfy 1 <= k <= n <= 64, got k = 0, n = 5.");
        assertThatThrownBy(() -> alarm.update(0, 1, 1, 1, 6, 5, 0))
                .hasMessage("k and n must satisfy 1 <= k <= n <= 64, got k = 6, n = 5.");
        assertThatThrownBy(() -> alarm.update(0, 1, 1, 1, 3, 65, 0))
                .hasMessage("k and n must satisfy 1 <= k <= n <= 64, got k = 3, n = 65.");
        assertThatThrownBy(() -> alarm.update(0, 1, 1, 2, 1, 1, 0))
                .hasMessage("clear must be at most raise, got clear = 2.0, raise = 1.0.");
        assertThatThrownBy(() -> alarm.update(0, 1, 1, 1, 1, 1, -1))
                .hasMessage("cooldownMillis must be at least 0, got -1.");
    }

    @Test
    void sixtyFourOfSixtyFourUsesTheWholeMask() {
        AlarmState alarm = new AlarmState();
        double[] scores = new double[64];
        Arrays.fill(scores, 2);

        List<Transition> transitions = feed(alarm, 1.0, 64, 64, 0, scores);

        assertThat(transitions.subList(0, 63)).containsOnly(NONE);
        assertThat(transitions.get(63)).isEqualTo(RAISED);
    }

    @Test
    void isAFlinkPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(AlarmState.class);
    }
}
