package io.vigil.pipelines.internal.decode;

import java.util.HashMap;
import java.util.Map;

/**
 * The births of one edge node's current session: its NBIRTH, and the DBIRTHs of its devices since.
 * An NBIRTH starts a new session, so it replaces the whole object.
 */
final class SparkplugNode {

    private final SparkplugBirth birth;
    private final Long bdSeq;
    private final Map<String, SparkplugBirth> devices = new HashMap<>();

    /**
     * @param birth the NBIRTH's declarations; null while only device births have been seen (after a
     *     restart of the gateway, say)
     * @param bdSeq the NBIRTH's bdSeq metric, null if it had none
     */
    SparkplugNode(SparkplugBirth birth, Long bdSeq) {
        this.birth = birth;
        this.bdSeq = bdSeq;
    }

    /**
     * The birth that declares the metrics of {@code device}, or of the edge node itself when {@code
     * device} is null; null when there has been none in this session.
     */
    SparkplugBirth birthOf(String device) {
        return device == null ? birth : devices.get(device);
    }

    void deviceBorn(String device, SparkplugBirth deviceBirth) {
        devices.put(device, deviceBirth);
    }

    void deviceDied(String device) {
        devices.remove(device);
    }

    /**
     * Whether an NDEATH with this bdSeq ends the session. The broker publishes an NDEATH (the edge
     * node's MQTT will) when a connection is lost, possibly after the node has already reconnected
     * and sent a new NBIRTH; the bdSeq tells which connection died, and a mismatch must not end the
     * newer session.
     */
    boolean endedBy(Long deathBdSeq) {
        return bdSeq == null || deathBdSeq == null || bdSeq.equals(deathBdSeq);
    }
}
