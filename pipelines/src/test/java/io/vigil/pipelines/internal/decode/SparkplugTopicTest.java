package io.vigil.pipelines.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.eclipse.tahu.message.model.MessageType;
import org.junit.jupiter.api.Test;

class SparkplugTopicTest {

    @Test
    void readsDeviceAndEdgeNodeMessages() {
        SparkplugTopic device = SparkplugTopic.parse("spBv1.0/plant/DDATA/gw-1/pump-7");
        assertThat(device)
                .isEqualTo(new SparkplugTopic("plant", MessageType.DDATA, "gw-1", "pump-7"));
        assertThat(device.asset()).isEqualTo("pump-7");
        assertThat(device.nodeKey()).isEqualTo("plant/gw-1");
        assertThat(device.describe())
                .isEqualTo("DDATA from group 'plant', edge node 'gw-1', device 'pump-7'");

        SparkplugTopic node = SparkplugTopic.parse("spBv1.0/plant/NBIRTH/gw-1");
        assertThat(node).isEqualTo(new SparkplugTopic("plant", MessageType.NBIRTH, "gw-1", null));
        assertThat(node.asset()).isEqualTo("gw-1");
        assertThat(node.describe()).isEqualTo("NBIRTH from group 'plant', edge node 'gw-1'");
    }

    @Test
    void readsHostState() {
        assertThat(SparkplugTopic.parse("spBv1.0/STATE/scada-1").type())
                .isEqualTo(MessageType.STATE);
    }

    @Test
    void saysWhyATopicIsNotSparkplug() {
        String shape = " (spBv1.0/<group>/<message type>/<edge node>[/<device>])";
        assertThatThrownBy(() -> SparkplugTopic.parse("plant/gw-1/pump-7"))
                .hasMessage(
                        "not a Sparkplug B topic: expected"
                                + " spBv1.0/<group>/<message type>/<edge node>[/<device>], found"
                                + " 'plant/gw-1/pump-7'");
        assertThatThrownBy(() -> SparkplugTopic.parse("spBv1.0/plant/DDATA"))
                .hasMessage(
                        "Sparkplug B topic 'spBv1.0/plant/DDATA': has 3 levels, expected 4 or 5"
                                + shape);
        assertThatThrownBy(() -> SparkplugTopic.parse("spBv1.0/plant/DDATA/gw-1"))
                .hasMessage(
                        "Sparkplug B topic 'spBv1.0/plant/DDATA/gw-1': DDATA is a device message"
                                + " and needs a device id"
                                + shape);
        assertThatThrownBy(() -> SparkplugTopic.parse("spBv1.0/plant/NDATA/gw-1/pump-7"))
                .hasMessage(
                        "Sparkplug B topic 'spBv1.0/plant/NDATA/gw-1/pump-7': NDATA is an edge"
                                + " node message and takes no device id"
                                + shape);
        assertThatThrownBy(() -> SparkplugTopic.parse("spBv1.0/plant/NRECORD/gw-1"))
                .hasMessage(
                        "Sparkplug B topic 'spBv1.0/plant/NRECORD/gw-1': unknown message type"
                                + " 'NRECORD', expected one of [NBIRTH, NDEATH, DBIRTH, DDEATH,"
                                + " NDATA, DDATA, NCMD, DCMD]"
                                + shape);
        assertThatThrownBy(() -> SparkplugTopic.parse("spBv1.0//NDATA/gw-1"))
                .hasMessage("Sparkplug B topic 'spBv1.0//NDATA/gw-1': empty group id" + shape);
    }
}
