package io.vigil.pipelines.internal;

import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.PipelineTranslator;
import io.vigil.pipelines.internal.decode.CsvDecoder;
import io.vigil.pipelines.internal.decode.JsonDecoder;
import io.vigil.pipelines.internal.decode.PayloadDecoder;
import io.vigil.pipelines.internal.decode.Readings;
import io.vigil.pipelines.internal.decode.SparkplugDecoder;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.Channel;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes the messages of one pipeline into {@link Reading}s with the decoder of its payload
 * format, then applies each channel's unit conversion and plausibility range. Whatever cannot be
 * read goes to the dead-letter side output with the reason, and is counted; nothing is dropped
 * silently. JSON and CSV decoding is stateless and runs at the job's parallelism; Sparkplug
 * decoding keeps each edge node's aliases and runs in one subtask (see {@link PipelineTranslator}).
 */
public final class ReadingDecoder extends ProcessFunction<InboundMessage, Reading>
        implements Readings {

    /** Side output of undecodable messages and implausible readings. */
    public static final OutputTag<OutboundMessage> DEAD_LETTERS =
            new OutputTag<>("dead-letters") {};

    /** Side output of messages the decoder sends back to the plant (Sparkplug rebirth requests). */
    public static final OutputTag<OutboundMessage> COMMANDS = new OutputTag<>("commands") {};

    private final PipelineSpec spec;
    private final String deadLetterTopic;
    private final int deadLetterQos;
    private final Channel[] inputs;

    private transient PayloadDecoder decoder;
    private transient Counter messagesIn;
    private transient Counter deadLetters;
    private transient Counter unusedValues;

    // The message being decoded and where its readings go: set for the span of processElement,
    // so the decoder's callbacks need no context of their own.
    private transient InboundMessage message;
    private transient Context context;
    private transient Collector<Reading> out;

    public ReadingDecoder(PipelineSpec spec) {
        this.spec = spec;
        this.deadLetterTopic =
                spec.output().deadLetters().topic().replace("{pipeline}", spec.name());
        this.deadLetterQos = spec.output().deadLetters().qos();
        this.inputs = spec.source().inputs().toArray(Channel[]::new);
    }

    @Override
    public void open(OpenContext openContext) {
        PipelineSpec.Source source = spec.source();
        decoder =
                switch (source.format()) {
                    case JSON -> new JsonDecoder(source);
                    case CSV -> new CsvDecoder(source);
                    case SPARKPLUG_B ->
                            new SparkplugDecoder(
                                    source.inputs().stream().map(Channel::field).toList(),
                                    spec.name());
                };
        MetricGroup metrics =
                PipelineMetrics.group(getRuntimeContext().getMetricGroup(), spec.name());
        messagesIn = metrics.counter(PipelineMetrics.MESSAGES_IN);
        deadLetters = metrics.counter(PipelineMetrics.DEAD_LETTERS);
        unusedValues = metrics.counter(PipelineMetrics.VALUES_UNUSED);
    }

    @Override
    public void processElement(InboundMessage message, Context context, Collector<Reading> out) {
        messagesIn.inc();
        this.message = message;
        this.context = context;
        this.out = out;
        try {
            decoder.decode(message, this);
        } finally {
            this.message = null;
            this.context = null;
            this.out = null;
        }
    }

    @Override
    public void reading(String asset, long timestamp, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (Float.isNaN(values[i])) {
                continue;
            }
            float v = (float) (values[i] * inputs[i].scale() + inputs[i].offset());
            if (!inputs[i].plausible(v)) {
                reject(
                        "channel '"
                                + inputs[i].name()
                                + "' of asset '"
                                + asset
                                + "' is "
                                + v
                                + ", outside its plausible range ["
                                + inputs[i].min()
                                + ", "
                                + inputs[i].max()
                                + "]");
                return;
            }
            values[i] = v;
        }
        out.collect(new Reading(asset, timestamp, values));
    }

    @Override
    public void reject(String reason) {
        deadLetters.inc();
        context.output(
                DEAD_LETTERS,
                DeadLetters.of(
                        spec.name(),
                        deadLetterTopic,
                        deadLetterQos,
                        message.topic(),
                        message.payload(),
                        reason,
                        message.receivedAtMillis()));
    }

    @Override
    public void unused() {
        unusedValues.inc();
    }

    @Override
    public void command(OutboundMessage command) {
        context.output(COMMANDS, command);
    }
}
