package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tiny pipeline's window: 8 rows of 100 ms (800 ms), a hop of 400 ms, at least 4 rows filled.
 * Reading values encode their timestamp (a = ts / 100, b = -ts / 100) so the tensors can be checked
 * row by row.
 */
class WindowAssemblerTest {

    private KeyedOneInputStreamOperatorTestHarness<String, Reading, ModelInput> harness;

    @BeforeEach
    void open() throws Exception {
        harness = WindowAssemblerHarness.open(TestPipelines.tiny(""));
    }

    private void reading(String asset, long ts) throws Exception {
        harness.processElement(new Reading(asset, ts, new float[] {ts / 100f, -ts / 100f}), ts);
    }

    private static float[] rows(long... timestamps) {
        float[] tensor = new float[timestamps.length * 2];
        for (int r = 0; r < timestamps.length; r++) {
            tensor[r * 2] = timestamps[r] / 100f;
            tensor[r * 2 + 1] = -timestamps[r] / 100f;
        }
        return tensor;
    }

    private List<String> late() {
        var records = harness.getSideOutput(WindowAssembler.LATE);
        return records == null
                ? List.of()
                : records.stream()
                        .map(StreamRecord::getValue)
                        .map(m -> new String(m.payload(), StandardCharsets.UTF_8))
                        .toList();
    }

    @Test
    void emitsEachWindowOnceTheWatermarkPassesItsEnd() throws Exception {
        for (long ts = 1000; ts <= 1700; ts += 100) {
            reading("p1", ts);
        }
        harness.processWatermark(1598);
        assertThat(harness.extractOutputValues()).isEmpty();

        // [400, 1200) holds 2 of 8 rows: skipped. [800, 1600) holds 6: emitted, the two empty rows
        // at its start taken from the first reading.
        harness.processWatermark(1599);
        List<ModelInput> windows = harness.extractOutputValues();
        assertThat(windows).hasSize(1);
        ModelInput w = windows.get(0);
        assertThat(w.asset()).isEqualTo("p1");
        assertThat(w.start()).isEqualTo(800);
        assertThat(w.end()).isEqualTo(1600);
        assertThat(w.coveredRows()).isEqualTo(6);
        assertThat(w.data()).containsExactly(rows(1000, 1000, 1000, 1100, 1200, 1300, 1400, 1500));
    }

    @Test
    void fillsGapsForwardAndTheLastReadingOfARowWins() throws Exception {
        for (long ts : new long[] {1200, 1300, 1500, 1600, 1700}) {
            reading("p1", ts);
        }
        harness.processElement(new Reading("p1", 1250, new float[] {99f, 98f}), 1250);
        harness.processWatermark(1999);
        List<ModelInput> windows = harness.extractOutputValues();
        // [800,1600) holds 1200..1500 (3 rows): skipped; [1200, 2000) holds 5 rows.
        assertThat(windows).hasSize(1);
        float[] expected = rows(1200, 1300, 1300, 1500, 1600, 1700, 1700, 1700);
        expected[0] = 99f;
        expected[1] = 98f;
        assertThat(windows.get(0).start()).isEqualTo(1200);
        assertThat(windows.get(0).data()).containsExactly(expected);
    }

    @Test
    void readingsOutOfOrderWithinTheOpenWindowsCount() throws Exception {
        for (long ts : new long[] {1500, 1000, 1300, 1100, 1400, 1200}) {
            reading("p1", ts);
        }
        harness.processWatermark(1599);
        assertThat(harness.extractOutputValues().get(0).data())
                .containsExactly(rows(1000, 1000, 1000, 1100, 1200, 1300, 1400, 1500));
        assertThat(late()).isEmpty();
    }

    @Test
    void readingForWindowsAlreadyScoredGoesToTheLateOutput() throws Exception {
        for (long ts = 1000; ts <= 1700; ts += 100) {
            reading("p1", ts);
        }
        harness.processWatermark(1599);
        // The oldest open window now starts at 1200: 1150 belongs only to scored windows.
        reading("p1", 1150);
        reading("p1", 1250);
        assertThat(late()).hasSize(1);
        assertThat(late().get(0))
                .contains(
                        "late: event time 1150 is before the oldest open window, which starts at 1200");
        harness.processWatermark(1999);
        List<ModelInput> windows = harness.extractOutputValues();
        assertThat(windows).hasSize(2);
        assertThat(windows.get(1).start()).isEqualTo(1200);
    }

    @Test
    void assetsAreWindowedIndependently() throws Exception {
        for (long ts = 1000; ts <= 1500; ts += 100) {
            reading("p1", ts);
            reading("p2", ts + 20);
        }
        harness.processWatermark(1599);
        List<ModelInput> windows = harness.extractOutputValues();
        assertThat(windows).extracting(ModelInput::asset).containsExactlyInAnyOrder("p1", "p2");
        ModelInput p2 =
                windows.stream().filter(w -> w.asset().equals("p2")).findFirst().orElseThrow();
        assertThat(p2.data()).containsExactly(rows(1020, 1020, 1020, 1120, 1220, 1320, 1420, 1520));
    }

    @Test
    void aSilentAssetStopsSchedulingWindowsAndResumesWhenItSpeaks() throws Exception {
        for (long ts = 1000; ts <= 1700; ts += 100) {
            reading("p1", ts);
        }
        harness.processWatermark(10_000);
        int emitted = harness.extractOutputValues().size();
        assertThat(harness.numEventTimeTimers()).isZero();

        for (long ts = 20_000; ts <= 20_700; ts += 100) {
            reading("p1", ts);
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(21_199);
        List<ModelInput> windows = harness.extractOutputValues();
        // The first window after the silence is the first one ending after its first reading.
        assertThat(windows.subList(emitted, windows.size()))
                .extracting(ModelInput::start)
                .containsExactly(19_600L, 20_000L, 20_400L);
    }

    @Test
    void aReadingFarAheadOfItsWindowIsRejectedNotBuffered() throws Exception {
        reading("p1", 1000);
        reading("p1", 1000 + 3_600_000);
        assertThat(late()).hasSize(1);
        assertThat(late().get(0))
                .contains("is more than 64 windows ahead of the asset's oldest open window");
    }

    @Test
    void lateRecordsStayOnThePlantSide() throws Exception {
        reading("p1", 1000);
        harness.processWatermark(5000);
        reading("p1", 900);
        var records = harness.getSideOutput(WindowAssembler.LATE);
        assertThat(records).hasSize(1);
        OutboundMessage letter = records.peek().getValue();
        assertThat(letter.destination()).isEqualTo(OutboundMessage.Destination.PLANT);
        assertThat(letter.topic()).isEqualTo("vigil/late/tiny");
    }

    @Test
    void tumblingWindowsAreBackToBack() throws Exception {
        harness =
                WindowAssemblerHarness.open(
                        TestPipelines.window(
                                "type: tumbling\n  length: 800ms\n  min-coverage: 0.5"));
        for (long ts = 800; ts < 2400; ts += 100) {
            reading("p1", ts);
        }
        harness.processWatermark(2399);
        assertThat(harness.extractOutputValues())
                .extracting(ModelInput::start)
                .containsExactly(800L, 1600L);
    }

    @Test
    void staggeredWindowsKeepTheHopEachAssetWithItsOwnPhase() throws Exception {
        harness =
                WindowAssemblerHarness.open(
                        TestPipelines.window(
                                "length: 800ms\n  hop: 400ms\n  min-coverage: 0.5\n  stagger: true"));
        List<String> assets = new java.util.ArrayList<>();
        for (int a = 1; a <= 20; a++) {
            assets.add(String.format("pump-%02d", a));
        }
        for (long ts = 0; ts < 4000; ts += 100) {
            for (String asset : assets) {
                reading(asset, ts);
            }
        }
        harness.processWatermark(3999);
        var byAsset =
                harness.extractOutputValues().stream()
                        .collect(java.util.stream.Collectors.groupingBy(ModelInput::asset));
        java.util.Set<Long> phases = new java.util.HashSet<>();
        for (String asset : assets) {
            List<ModelInput> windows = byAsset.get(asset);
            assertThat(windows).hasSizeGreaterThanOrEqualTo(7);
            long phase = Math.floorMod(windows.get(0).end(), 400);
            phases.add(phase);
            for (int i = 0; i < windows.size(); i++) {
                ModelInput w = windows.get(i);
                assertThat(w.end() - w.start()).isEqualTo(800);
                assertThat(Math.floorMod(w.end(), 400)).isEqualTo(phase);
                if (i > 0) {
                    assertThat(w.end() - windows.get(i - 1).end()).isEqualTo(400);
                }
            }
        }
        // Assets named in series spread over the hop instead of closing together.
        assertThat(phases).hasSizeGreaterThan(10);
    }

    @Test
    void windowsClosedByOneWatermarkShareTheMomentItArrived() throws Exception {
        for (long ts = 1000; ts <= 2100; ts += 100) {
            reading("p1", ts);
            reading("p2", ts);
        }
        long before = io.vigil.pipelines.PipelineMetrics.epochMicros();
        harness.processWatermark(1999);
        List<ModelInput> first = harness.extractOutputValues();
        assertThat(first).hasSizeGreaterThanOrEqualTo(4);
        long closed = first.get(0).closedAtMicros();
        assertThat(closed).isGreaterThanOrEqualTo(before);
        assertThat(first).allSatisfy(w -> assertThat(w.closedAtMicros()).isEqualTo(closed));
    }

    @Test
    void allowedLatenessKeepsAWindowOpenForLateReadings() throws Exception {
        harness =
                WindowAssemblerHarness.open(
                        TestPipelines.tiny("time: {allowed-lateness: 300ms}\n"));
        for (long ts = 1000; ts <= 1500; ts += 100) {
            reading("p1", ts);
        }
        harness.processWatermark(1700);
        assertThat(harness.extractOutputValues()).isEmpty();
        // Behind the watermark, but its window [800, 1600) is still open: it counts.
        reading("p1", 850);
        harness.processWatermark(1899);
        ModelInput window = harness.extractOutputValues().get(0);
        assertThat(window.start()).isEqualTo(800);
        assertThat(window.coveredRows()).isEqualTo(7);
        assertThat(late()).isEmpty();
    }

    @Test
    void oneChannelPerReadingCombinesIntoRows() throws Exception {
        for (long ts = 800; ts < 1600; ts += 100) {
            harness.processElement(new Reading("p1", ts, new float[] {ts / 100f, Float.NaN}), ts);
            harness.processElement(
                    new Reading("p1", ts + 50, new float[] {Float.NaN, -ts / 100f}), ts + 50);
        }
        harness.processWatermark(1599);
        ModelInput window = windowStartingAt(800);
        assertThat(window.coveredRows()).isEqualTo(8);
        assertThat(window.data())
                .containsExactly(rows(800, 900, 1000, 1100, 1200, 1300, 1400, 1500));
    }

    @Test
    void maskPutsTheModelsNormalValueInEmptyCellsAndSkipRejectsTheWindow() throws Exception {
        harness =
                WindowAssemblerHarness.open(
                        TestPipelines.window(
                                "length: 800ms\n  hop: 400ms\n  missing: mask\n  min-coverage: 0.5"));
        for (long ts : new long[] {800, 900, 1000, 1100, 1300, 1400, 1500}) {
            reading("p1", ts);
        }
        harness.processWatermark(1599);
        ModelInput window = windowStartingAt(800);
        float[] expected = rows(800, 900, 1000, 1100, 0, 1300, 1400, 1500);
        expected[8] = 10f; // tiny-ae's card mean: 10 for a, 0 for b
        expected[9] = 0f;
        assertThat(window.data()).containsExactly(expected);
        assertThat(window.coveredRows()).isEqualTo(7);

        harness =
                WindowAssemblerHarness.open(
                        TestPipelines.window(
                                "length: 800ms\n  hop: 400ms\n  missing: skip\n  min-coverage: 0.5"));
        for (long ts : new long[] {800, 900, 1000, 1100, 1300, 1400, 1500}) {
            reading("p1", ts);
        }
        harness.processWatermark(1599);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    private ModelInput windowStartingAt(long start) {
        return harness.extractOutputValues().stream()
                .filter(w -> w.start() == start)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void countWindowsTakeTheLastReadingsEveryFewReadings() throws Exception {
        harness =
                WindowAssemblerHarness.open(
                        TestPipelines.window("type: count\n  every: 2\n  min-coverage: 1"));
        for (long ts = 100; ts <= 1200; ts += 100) {
            reading("p1", ts);
        }
        // Windows once 8 readings are there, then every second reading: ends 801, 1001, 1201.
        assertThat(harness.extractOutputValues())
                .extracting(ModelInput::end)
                .containsExactly(801L, 1001L, 1201L);
        assertThat(harness.extractOutputValues().get(2).data())
                .containsExactly(rows(500, 600, 700, 800, 900, 1000, 1100, 1200));
    }

    @Test
    void countWindowsBelowFullCoverageStartEarlyRepeatingTheFirstReading() throws Exception {
        harness =
                WindowAssemblerHarness.open(
                        TestPipelines.window("type: count\n  every: 1\n  min-coverage: 0.75"));
        for (long ts = 100; ts <= 900; ts += 100) {
            reading("p1", ts);
        }
        // 6 of the 8 rows must be readings: the first window comes with the sixth reading.
        assertThat(harness.extractOutputValues())
                .extracting(ModelInput::end)
                .containsExactly(601L, 701L, 801L, 901L);
        ModelInput first = harness.extractOutputValues().get(0);
        assertThat(first.start()).isEqualTo(100);
        assertThat(first.coveredRows()).isEqualTo(6);
        assertThat(first.data()).containsExactly(rows(100, 100, 100, 200, 300, 400, 500, 600));
        assertThat(harness.extractOutputValues().get(3).data())
                .containsExactly(rows(200, 300, 400, 500, 600, 700, 800, 900));
    }

    @Test
    void countWindowsWaitForAFullWindowByDefault() {
        assertThat(TestPipelines.window("type: count").window().minCoverage()).isEqualTo(1);
        assertThat(TestPipelines.window("type: tumbling\n  length: 800ms").window().minCoverage())
                .isEqualTo(0.9);
    }

    @Test
    void sessionWindowsCloseAfterTheGapAndSpreadTheSessionOverTheRows() throws Exception {
        harness = WindowAssemblerHarness.open(TestPipelines.window("type: session\n  gap: 1s"));
        // One reading every 200 ms from 0 to 1400: 8 readings, 1401 ms, 175.125 ms per row.
        for (long ts = 0; ts <= 1400; ts += 200) {
            reading("p1", ts);
        }
        harness.processWatermark(2398);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processWatermark(2399);
        ModelInput window = harness.extractOutputValues().get(0);
        assertThat(window.start()).isZero();
        assertThat(window.end()).isEqualTo(1401);
        assertThat(window.data()).containsExactly(rows(0, 200, 400, 600, 800, 1000, 1200, 1400));
        // The next reading opens a new session.
        reading("p1", 5000);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }
}
