package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLocation;
import io.vigil.pipelines.ModelInput;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The inference operator with the shipped pump model, in Flink's operator test harness. */
class BatchScoringOperatorTest {

    private static final ModelLocation MODEL = ModelLocation.shipped("pump-transformer");
    private static final long DELAY = 20;

    private OneInputStreamOperatorTestHarness<ModelInput, ScoredWindow> harness;
    private int windows;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void scoresAFullBatchAtOnce() throws Exception {
        open(4);
        for (int i = 0; i < 3; i++) {
            add();
        }
        assertThat(scored()).isEmpty();

        add();

        assertThat(scored())
                .extracting(ScoredWindow::start)
                .containsExactly(0L, 1_000L, 2_000L, 3_000L);
        assertThat(scored()).allSatisfy(w -> assertThat(w.score()).isPositive());
    }

    @Test
    void scoresAPartialBatchOnceItsOldestWindowHasWaitedTheDelay() throws Exception {
        open(32);
        harness.setProcessingTime(100);
        add();
        add();

        harness.setProcessingTime(100 + DELAY - 1);
        assertThat(scored()).isEmpty();
        harness.setProcessingTime(100 + DELAY);
        assertThat(scored()).hasSize(2);
    }

    @Test
    void scoresWhatItHoldsWhenAWatermarkArrives() throws Exception {
        open(32);
        add();

        harness.processWatermark(new Watermark(10_000));

        assertThat(scored()).hasSize(1);
    }

    @Test
    void keepsOneTimerPendingForManyBatches() throws Exception {
        open(2);
        harness.setProcessingTime(0);
        for (int i = 0; i < 20; i++) {
            add(); // each pair fills a batch, which is scored at once
        }
        assertThat(scored()).hasSize(20);
        assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isEqualTo(1);

        // A lone window after them: the pending timer, due at DELAY, finds it younger than the
        // delay and waits again until it is due.
        harness.setProcessingTime(10);
        add();
        harness.setProcessingTime(DELAY);
        assertThat(scored()).hasSize(20);
        assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isEqualTo(1);
        harness.setProcessingTime(10 + DELAY);
        assertThat(scored()).hasSize(21);
    }

    private void open(int batchSize) throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new BatchScoringOperator("test", MODEL, batchSize, DELAY));
        harness.open();
    }

    /** Adds the next window: healthy-looking readings at the card's channel means. */
    private void add() throws Exception {
        ModelCard card = MODEL.loadCard();
        float[] data = new float[card.windowSize()];
        for (int i = 0; i < data.length; i++) {
            int channel = i % card.channelCount();
            data[i] = card.mean()[channel] + 0.1f * card.std()[channel] * (float) Math.sin(i);
        }
        long start = windows++ * 1_000L;
        harness.processElement(
                new StreamRecord<>(new ModelInput("pump-1", start, start + 6_400, data, 64, 0L)));
    }

    private List<ScoredWindow> scored() {
        return harness.extractOutputValues();
    }
}
