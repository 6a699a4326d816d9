package io.vigil.pipelines.internal.decode;

import static io.vigil.pipelines.internal.decode.RecordedReadings.readingOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.OutboundMessage.Destination;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;
import org.junit.jupiter.api.Test;

class SparkplugDecoderTest {

    private static final float NaN = Float.NaN;
    private static final long T = 1_700_000_000_000L;
    private static final String NODE_TOPIC = "spBv1.0/plant/%s/gw-1";
    private static final String DEVICE_TOPIC = "spBv1.0/plant/%s/gw-1/pump-7";

    private final SparkplugDecoder decoder =
            new SparkplugDecoder(
                    List.of("Temperature", "Pressure", "Running", "Supply Voltage"), "pumps");
    private final RecordedReadings out = new RecordedReadings();

    @Test
    void readsDataByAliasAlonePerTheBirths() throws Exception {
        nodeBirth(T, 0, 2);
        deviceBirth(T + 1, 10, 11);
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 2,
                payload(
                        T + 2,
                        aliased(10, MetricDataType.Float, 21.5f, T + 2),
                        aliased(11, MetricDataType.Double, 1.5, T + 2)));

        assertThat(out.readings)
                .containsExactly(
                        readingOf("gw-1", T, NaN, NaN, NaN, 24f),
                        readingOf("pump-7", T + 1, 20.5f, 1.25f, 1f, NaN),
                        readingOf("pump-7", T + 2, 21.5f, 1.5f, NaN, NaN));
        // bdSeq and Node Control/Rebirth in the NBIRTH, Serial in the DBIRTH.
        assertThat(out.unused).isEqualTo(3);
        assertThat(out.rejects).isEmpty();
        assertThat(out.commands).isEmpty();
    }

    @Test
    void givesOneReadingPerTimestamp() throws Exception {
        births();
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 20,
                payload(
                        T + 20,
                        aliased(10, MetricDataType.Float, 21f, T + 8),
                        aliased(11, MetricDataType.Double, 1.5, T + 5),
                        aliased(10, MetricDataType.Float, 20f, T + 5)));

        assertThat(out.readings)
                .containsExactly(
                        readingOf("pump-7", T + 5, 20f, 1.5f, NaN, NaN),
                        readingOf("pump-7", T + 8, 21f, NaN, NaN, NaN));
    }

    @Test
    void timesAMetricWithoutTimestampByThePayloadElseByArrival() throws Exception {
        births();
        Metric untimed = aliased(10, MetricDataType.Float, 21f, T);
        untimed.setTimestamp(null);
        send(DEVICE_TOPIC, "DDATA", T + 30, payload(T + 20, untimed));
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 31,
                new SparkplugBPayloadBuilder().addMetric(untimed).createPayload());

        assertThat(out.readings)
                .containsExactly(
                        readingOf("pump-7", T + 20, 21f, NaN, NaN, NaN),
                        readingOf("pump-7", T + 31, 21f, NaN, NaN, NaN));
    }

    @Test
    void readsNodeDataAsTheEdgeNodesReadings() throws Exception {
        nodeBirth(T, 0, 2);
        out.clear();
        send(
                NODE_TOPIC,
                "NDATA",
                T + 1,
                payload(T + 1, aliased(2, MetricDataType.Float, 23.5f, T + 1)));

        assertThat(out.readings).containsExactly(readingOf("gw-1", T + 1, NaN, NaN, NaN, 23.5f));
    }

    @Test
    void readsBooleansAsOneAndZero() throws Exception {
        births();
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 2,
                payload(
                        T + 2,
                        aliased(12, MetricDataType.Boolean, false, T + 1),
                        aliased(12, MetricDataType.Boolean, true, T + 2)));

        assertThat(out.readings)
                .containsExactly(
                        readingOf("pump-7", T + 1, NaN, NaN, 0f, NaN),
                        readingOf("pump-7", T + 2, NaN, NaN, 1f, NaN));
    }

    @Test
    void countsMetricsNoChannelReads() throws Exception {
        births();
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 2,
                payload(
                        T + 2,
                        aliased(13, MetricDataType.String, "A-114", T + 2),
                        aliased(10, MetricDataType.Float, 21f, T + 2),
                        named("Serial", 13, MetricDataType.String, "A-115", T + 2)));

        assertThat(out.unused).isEqualTo(2);
        assertThat(out.readings).containsExactly(readingOf("pump-7", T + 2, 21f, NaN, NaN, NaN));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void readsDataThatLeavesOutDatatypesWithTheBirthsTypes() throws Exception {
        nodeBirth(T, 0, 2);
        send(
                DEVICE_TOPIC,
                "DBIRTH",
                T + 1,
                payload(
                        T + 1,
                        named("Temperature", 10, MetricDataType.Int8, (byte) 3, T + 1),
                        named("Pressure", 11, MetricDataType.UInt32, 7L, T + 1)));
        out.clear();
        // Sparkplug 3.0 recommends leaving datatypes out of data messages; Tahu can strip them.
        byte[] stripped =
                new SparkplugBPayloadEncoder()
                        .getBytes(
                                payload(
                                        T + 2,
                                        aliased(10, MetricDataType.Int8, (byte) -5, T + 2),
                                        aliased(11, MetricDataType.UInt32, 4_000_000_000L, T + 2)),
                                true);
        decoder.decode(new InboundMessage(DEVICE_TOPIC.formatted("DDATA"), stripped, T + 2), out);

        assertThat(out.readings).containsExactly(readingOf("pump-7", T + 2, -5f, 4.0e9f, NaN, NaN));
        assertThat(out.rejects).isEmpty();
    }

    @Test
    void rejectsDataBeforeAnyBirthAndRequestsARebirth() throws Exception {
        send(DEVICE_TOPIC, "DDATA", T, payload(T, aliased(10, MetricDataType.Float, 21f, T)));

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "DDATA from group 'plant', edge node 'gw-1', device 'pump-7': metric alias"
                                + " 10: the device has had no DBIRTH in this session; rebirth"
                                + " requested");
        assertThat(out.commands).hasSize(1);
        OutboundMessage command = out.commands.get(0);
        assertThat(command.destination()).isEqualTo(Destination.PLANT);
        assertThat(command.topic()).isEqualTo("spBv1.0/plant/NCMD/gw-1");
        assertThat(command.qos()).isZero();
        assertThat(command.retain()).isFalse();
        SparkplugBPayload request =
                new SparkplugBPayloadDecoder().buildFromByteArray(command.payload(), null);
        assertThat(request.getTimestamp()).isEqualTo(new Date(T));
        assertThat(request.getMetrics()).hasSize(1);
        Metric rebirth = request.getMetrics().get(0);
        assertThat(rebirth.getName()).isEqualTo("Node Control/Rebirth");
        assertThat(rebirth.getDataType()).isEqualTo(MetricDataType.Boolean);
        assertThat(rebirth.getValue()).isEqualTo(true);
        assertThat(decoder.rebirthRequests()).isEqualTo(1);
    }

    @Test
    void requestsAtMostOneRebirthPerEdgeNodeInFiveSeconds() throws Exception {
        SparkplugBPayload unknown = payload(T, aliased(10, MetricDataType.Float, 21f, T));
        send(DEVICE_TOPIC, "DDATA", T, unknown);
        send(DEVICE_TOPIC, "DDATA", T + 4_999, unknown);

        assertThat(out.rejects).hasSize(2);
        assertThat(out.rejects.get(1))
                .isEqualTo(
                        "DDATA from group 'plant', edge node 'gw-1', device 'pump-7': metric alias"
                                + " 10: the device has had no DBIRTH in this session; rebirth"
                                + " already requested less than 5 s ago");
        assertThat(out.commands).hasSize(1);
        assertThat(decoder.rebirthRequests()).isEqualTo(1);

        send(DEVICE_TOPIC, "DDATA", T + 5_000, unknown);

        assertThat(out.rejects).hasSize(3);
        assertThat(out.rejects.get(2)).endsWith("; rebirth requested");
        assertThat(out.commands).hasSize(2);
        assertThat(out.commands.get(1).topic()).isEqualTo("spBv1.0/plant/NCMD/gw-1");
        assertThat(decoder.rebirthRequests()).isEqualTo(2);
    }

    @Test
    void aRebirthReplacesTheAliasesAndForgetsTheDevicesUntilTheyBirthAgain() throws Exception {
        births();
        nodeBirth(T + 10, 1, 3);
        out.clear();
        SparkplugBPayload oldAliases =
                payload(T + 11, aliased(10, MetricDataType.Float, 21f, T + 11));
        send(DEVICE_TOPIC, "DDATA", T + 11, oldAliases);

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "DDATA from group 'plant', edge node 'gw-1', device 'pump-7': metric alias"
                                + " 10: the device has had no DBIRTH in this session; rebirth"
                                + " requested");
        assertThat(out.commands).hasSize(1);

        deviceBirth(T + 12, 21, 20);
        out.clear();
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 13,
                payload(
                        T + 13,
                        aliased(20, MetricDataType.Double, 1.75, T + 13),
                        aliased(21, MetricDataType.Float, 19f, T + 13)));
        send(DEVICE_TOPIC, "DDATA", T + 14, oldAliases);
        send(
                NODE_TOPIC,
                "NDATA",
                T + 15,
                payload(
                        T + 15,
                        aliased(3, MetricDataType.Float, 23f, T + 15),
                        aliased(2, MetricDataType.Float, 22f, T + 15)));

        assertThat(out.readings)
                .containsExactly(
                        readingOf("pump-7", T + 13, 19f, 1.75f, NaN, NaN),
                        readingOf("gw-1", T + 15, NaN, NaN, NaN, 23f));
        assertThat(out.rejects)
                .containsExactly(
                        "DDATA from group 'plant', edge node 'gw-1', device 'pump-7': metric alias"
                                + " 10: not declared in the device's DBIRTH; rebirth already"
                                + " requested less than 5 s ago",
                        "NDATA from group 'plant', edge node 'gw-1': metric alias 2: not declared"
                                + " in the edge node's NBIRTH; rebirth already requested less than"
                                + " 5 s ago");
        assertThat(out.commands).isEmpty();
    }

    @Test
    void aDeviceDeathForgetsTheDevice() throws Exception {
        births();
        send(DEVICE_TOPIC, "DDEATH", T + 1, payload(T + 1));
        out.clear();
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 2,
                payload(T + 2, aliased(10, MetricDataType.Float, 21f, T + 2)));

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .singleElement()
                .asString()
                .contains("the device has had no DBIRTH in this session");
    }

    @Test
    void aNodeDeathForgetsTheNodeUnlessItIsTheWillOfAnEarlierConnection() throws Exception {
        nodeBirth(T, 1, 2);
        SparkplugBPayload data = payload(T + 2, aliased(2, MetricDataType.Float, 23f, T + 2));
        // The will of the connection before NBIRTH bdSeq 1, published late by the broker.
        send(NODE_TOPIC, "NDEATH", T + 1, payload(T + 1, bdSeq(0)));
        out.clear();
        send(NODE_TOPIC, "NDATA", T + 2, data);

        assertThat(out.readings).containsExactly(readingOf("gw-1", T + 2, NaN, NaN, NaN, 23f));

        send(NODE_TOPIC, "NDEATH", T + 3, payload(T + 3, bdSeq(1)));
        out.clear();
        send(NODE_TOPIC, "NDATA", T + 4, data);

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects)
                .containsExactly(
                        "NDATA from group 'plant', edge node 'gw-1': metric alias 2: the edge"
                                + " node has had no NBIRTH in this session; rebirth requested");
    }

    @Test
    void rejectsAStringOnAChannelAndStillReadsTheOtherMetrics() throws Exception {
        SparkplugDecoder withSerial =
                new SparkplugDecoder(List.of("Temperature", "Serial"), "pumps");
        send(withSerial, NODE_TOPIC, "NBIRTH", T, nodeBirthPayload(T, 0, 2));
        send(withSerial, DEVICE_TOPIC, "DBIRTH", T + 1, deviceBirthPayload(T + 1, 10, 11));

        assertThat(out.readings).containsExactly(readingOf("pump-7", T + 1, 20.5f, NaN));
        assertThat(out.rejects)
                .containsExactly(
                        "DBIRTH from group 'plant', edge node 'gw-1', device 'pump-7': metric"
                                + " 'Serial' (alias 13) is a String, not a number or boolean");
    }

    @Test
    void rejectsNullAndNonFiniteValues() throws Exception {
        births();
        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 2,
                payload(
                        T + 2,
                        aliased(10, MetricDataType.Float, null, T + 2),
                        aliased(11, MetricDataType.Double, Double.NaN, T + 2),
                        aliased(12, MetricDataType.Boolean, true, T + 2)));

        send(
                DEVICE_TOPIC,
                "DDATA",
                T + 3,
                payload(T + 3, aliased(11, MetricDataType.Double, 1e300, T + 3)));

        assertThat(out.readings).containsExactly(readingOf("pump-7", T + 2, NaN, NaN, 1f, NaN));
        String from = "DDATA from group 'plant', edge node 'gw-1', device 'pump-7': ";
        assertThat(out.rejects)
                .containsExactly(
                        from + "metric 'Temperature' (alias 10) is null",
                        from + "metric 'Pressure' (alias 11) is NaN, not a finite number",
                        from
                                + "metric 'Pressure' (alias 11) is 1.0E300, beyond the range of a"
                                + " float");
    }

    @Test
    void rejectsBirthMetricsWithoutNameOrDatatypeOrWithATakenAlias() throws Exception {
        nodeBirth(T, 0, 2);
        out.clear();
        byte[] untyped =
                new SparkplugBPayloadEncoder()
                        .getBytes(
                                payload(
                                        T + 1,
                                        named("Temperature", 10, MetricDataType.Float, 20f, T + 1),
                                        named("Pressure", 10, MetricDataType.Double, 1.0, T + 1),
                                        aliased(11, MetricDataType.Double, 1.0, T + 1)),
                                true);
        decoder.decode(new InboundMessage(DEVICE_TOPIC.formatted("DBIRTH"), untyped, T + 1), out);
        send(
                DEVICE_TOPIC,
                "DBIRTH",
                T + 2,
                payload(
                        T + 2,
                        named("Temperature", 10, MetricDataType.Float, 20f, T + 2),
                        named("Pressure", 10, MetricDataType.Double, 1.0, T + 2),
                        aliased(11, MetricDataType.Double, 1.0, T + 2)));

        String from = "DBIRTH from group 'plant', edge node 'gw-1', device 'pump-7': ";
        assertThat(out.rejects)
                .containsExactly(
                        from
                                + "metric 'Temperature' has no datatype; a birth must declare"
                                + " every metric's datatype",
                        from
                                + "metric 'Pressure' has no datatype; a birth must declare every"
                                + " metric's datatype",
                        from + "metric alias 11 has no name; a birth must name every metric",
                        from + "metric 'Pressure' reuses alias 10 of metric 'Temperature'",
                        from + "metric alias 11 has no name; a birth must name every metric");
        assertThat(out.readings).containsExactly(readingOf("pump-7", T + 2, 20f, NaN, NaN, NaN));
    }

    @Test
    void rejectsWhatIsNotSparkplugB() {
        decoder.decode(
                new InboundMessage(
                        DEVICE_TOPIC.formatted("DDATA"), new byte[] {(byte) 0xff, 0x01}, T),
                out);
        decoder.decode(
                new InboundMessage("plant/gw-1/pump-7", "{}".getBytes(StandardCharsets.UTF_8), T),
                out);

        assertThat(out.rejects)
                .containsExactly(
                        "not a Sparkplug B payload: Protocol message tag had invalid wire type.",
                        "not a Sparkplug B topic: expected"
                                + " spBv1.0/<group>/<message type>/<edge node>[/<device>], found"
                                + " 'plant/gw-1/pump-7'");
        assertThat(out.readings).isEmpty();
        assertThat(out.commands).isEmpty();
    }

    @Test
    void skipsCommandsAndHostState() {
        byte[] anything = {(byte) 0xff, 0x01};
        decoder.decode(new InboundMessage(NODE_TOPIC.formatted("NCMD"), anything, T), out);
        decoder.decode(new InboundMessage(DEVICE_TOPIC.formatted("DCMD"), anything, T), out);
        decoder.decode(new InboundMessage("spBv1.0/STATE/scada-1", anything, T), out);

        assertThat(out.readings).isEmpty();
        assertThat(out.rejects).isEmpty();
        assertThat(out.unused).isZero();
        assertThat(out.commands).isEmpty();
    }

    @Test
    void saysWhichChannelNamesNoMetric() {
        assertThatThrownBy(() -> new SparkplugDecoder(List.of("Temperature", ""), "pumps"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Pipeline 'pumps': input 1 names no Sparkplug metric.");
    }

    // The edge node gw-1 and its device pump-7, with aliases 2 and 10, 11, then a clean record.
    private void births() throws Exception {
        nodeBirth(T - 2, 0, 2);
        deviceBirth(T - 1, 10, 11);
        out.clear();
    }

    private void nodeBirth(long time, long bdSeq, long supplyVoltageAlias) throws Exception {
        send(NODE_TOPIC, "NBIRTH", time, nodeBirthPayload(time, bdSeq, supplyVoltageAlias));
    }

    private void deviceBirth(long time, long temperatureAlias, long pressureAlias)
            throws Exception {
        send(
                DEVICE_TOPIC,
                "DBIRTH",
                time,
                deviceBirthPayload(time, temperatureAlias, pressureAlias));
    }

    private static SparkplugBPayload nodeBirthPayload(
            long time, long bdSeq, long supplyVoltageAlias) throws Exception {
        return payload(
                time,
                bdSeq(bdSeq),
                named("Node Control/Rebirth", 1, MetricDataType.Boolean, false, time),
                named("Supply Voltage", supplyVoltageAlias, MetricDataType.Float, 24f, time));
    }

    private static SparkplugBPayload deviceBirthPayload(
            long time, long temperatureAlias, long pressureAlias) throws Exception {
        return payload(
                time,
                named("Temperature", temperatureAlias, MetricDataType.Float, 20.5f, time),
                named("Pressure", pressureAlias, MetricDataType.Double, 1.25, time),
                named("Running", 12, MetricDataType.Boolean, true, time),
                named("Serial", 13, MetricDataType.String, "A-113", time));
    }

    private void send(String topic, String type, long receivedAt, SparkplugBPayload payload)
            throws Exception {
        send(decoder, topic, type, receivedAt, payload);
    }

    private void send(
            SparkplugDecoder to,
            String topic,
            String type,
            long receivedAt,
            SparkplugBPayload payload)
            throws Exception {
        byte[] bytes = new SparkplugBPayloadEncoder().getBytes(payload, false);
        to.decode(new InboundMessage(topic.formatted(type), bytes, receivedAt), out);
    }

    private static SparkplugBPayload payload(long time, Metric... metrics) {
        return new SparkplugBPayloadBuilder(0L)
                .setTimestamp(new Date(time))
                .addMetrics(List.of(metrics))
                .createPayload();
    }

    // Tahu's builders stamp a metric with the wall clock unless given a time.
    private static Metric named(
            String name, long alias, MetricDataType type, Object value, long time)
            throws Exception {
        return new MetricBuilder(name, type, value)
                .alias(alias)
                .timestamp(new Date(time))
                .createMetric();
    }

    private static Metric aliased(long alias, MetricDataType type, Object value, long time)
            throws Exception {
        return new MetricBuilder(alias, type, value).timestamp(new Date(time)).createMetric();
    }

    private static Metric bdSeq(long value) throws Exception {
        return new MetricBuilder("bdSeq", MetricDataType.Int64, value).createMetric();
    }
}
