package io.vigil.pipelines.internal.decode;

import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.TopicTemplate;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CSV payloads: one reading per line, the columns named by {@code source.csv.columns}. Values
 * are plain numbers (no quoting: sensor CSV has none); an empty value means "not in this reading".
 * The asset, and for one-channel topics the channel, come from the topic.
 */
public final class CsvDecoder implements PayloadDecoder {

    private final List<TopicTemplate> topics;
    private final List<String> columns;
    private final char delimiter;
    private final boolean header;
    private final int timestampColumn;
    private final String timestampName;
    private final TimestampFormat timestampFormat;
    private final int[] columnOfInput;
    private final int valueColumn;
    private final boolean oneChannel;
    private final Map<String, Integer> inputOfChannelId = new HashMap<>();

    public CsvDecoder(PipelineSpec.Source source) {
        this.topics = source.topics();
        this.columns = source.csv().columns();
        this.delimiter = source.csv().delimiter();
        this.header = source.csv().header();
        this.timestampName = source.timestampField();
        this.timestampColumn = columns.indexOf(source.timestampField());
        this.timestampFormat = source.timestampFormat();
        this.columnOfInput = new int[source.inputs().size()];
        for (int i = 0; i < columnOfInput.length; i++) {
            columnOfInput[i] = columns.indexOf(source.inputs().get(i).field());
            inputOfChannelId.put(source.inputs().get(i).field(), i);
        }
        this.valueColumn = columns.indexOf(source.valueField());
        this.oneChannel = source.oneChannelPerReading();
    }

    @Override
    public void decode(InboundMessage message, Readings out) {
        TopicTemplate template = TopicTemplates.matching(topics, message.topic());
        String asset = template.asset(message.topic());
        Integer channelInput = null;
        if (oneChannel) {
            channelInput = inputOfChannelId.get(template.channel(message.topic()));
            if (channelInput == null) {
                out.unused();
                return;
            }
        }
        String[] lines = new String(message.payload(), StandardCharsets.UTF_8).split("\r?\n");
        boolean skipHeader = header;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank()) {
                continue;
            }
            if (skipHeader) {
                skipHeader = false;
                continue;
            }
            read(line, "line " + (n + 1) + ": ", message, asset, channelInput, out);
        }
    }

    private void read(
            String line,
            String where,
            InboundMessage message,
            String asset,
            Integer channelInput,
            Readings out) {
        String[] cells = split(line);
        if (cells.length != columns.size()) {
            out.reject(
                    where
                            + "expected "
                            + columns.size()
                            + " values "
                            + columns
                            + ", found "
                            + cells.length
                            + ": '"
                            + line
                            + "'");
            return;
        }
        long ts;
        if (timestampFormat == TimestampFormat.ARRIVAL) {
            ts = message.receivedAtMillis();
        } else {
            String problem =
                    Timestamps.problem(cells[timestampColumn], timestampName, timestampFormat);
            if (problem != null) {
                out.reject(where + problem);
                return;
            }
            ts = Timestamps.millis(cells[timestampColumn], timestampFormat);
        }
        float[] values = new float[columnOfInput.length];
        if (channelInput != null) {
            Arrays.fill(values, Float.NaN);
            String problem =
                    number(cells[valueColumn], columns.get(valueColumn), values, channelInput);
            if (problem != null) {
                out.reject(where + problem);
                return;
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                String problem =
                        number(cells[columnOfInput[i]], columns.get(columnOfInput[i]), values, i);
                if (problem != null) {
                    out.reject(where + problem);
                    return;
                }
            }
        }
        out.reading(asset, ts, values);
    }

    private String[] split(String line) {
        return line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
    }

    private static String number(String cell, String column, float[] values, int i) {
        String text = cell.trim();
        if (text.isEmpty()) {
            values[i] = Float.NaN;
            return null;
        }
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                return "column '" + column + "' must be a finite number, found '" + text + "'";
            }
            values[i] = (float) v;
            return null;
        } catch (NumberFormatException e) {
            return "column '" + column + "' must be a number, found '" + text + "'";
        }
    }
}
