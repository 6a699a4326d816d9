package io.vigil.gateway.simulator;

import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link PumpSimulator}'s readings over MQTT, one JSON message per reading on {@code
 * plant/pumps/<asset>/telemetry}, at the simulator's pace scaled by a speed factor.
 */
public final class TelemetryPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryPublisher.class);

    /** The topic the simulated pump controllers publish to. */
    public static String topic(String asset) {
        return "plant/pumps/" + asset + "/telemetry";
    }

    private final PumpSimulator simulator;
    private final WindowedPublisher publisher;
    private final int qos;

    public TelemetryPublisher(PumpSimulator simulator, WindowedPublisher publisher, int qos) {
        this.simulator = simulator;
        this.publisher = publisher;
        this.qos = qos;
    }

    /**
     * Publishes {@code steps} steps of every asset.
     *
     * @param speed simulated seconds per wall-clock second; {@code 1} is real time, {@code 0} or
     *     less as fast as the broker takes them
     * @return the number of readings published
     */
    public long run(long steps, double speed) throws InterruptedException {
        logSchedule();
        Set<Fault> announced = new HashSet<>();
        long started = System.nanoTime();
        long published = 0;
        for (long s = 0; s < steps && !Thread.currentThread().isInterrupted(); s++) {
            long offset = simulator.offsetMillis();
            if (speed > 0) {
                long due = started + (long) (offset * 1_000_000L / speed);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            for (Fault fault : simulator.faults()) {
                if (fault.activeAt(offset) && announced.add(fault)) {
                    LOG.info(
                            "simulator: fault {} starts on {} (t = {} s)",
                            fault.kind().label(),
                            fault.asset(),
                            offset / 1000);
                }
            }
            List<PumpReading> readings = simulator.nextStep();
            for (PumpReading reading : readings) {
                publisher.publish(
                        topic(reading.asset()),
                        reading.toJson().getBytes(StandardCharsets.UTF_8),
                        qos,
                        false);
                published++;
            }
        }
        publisher.awaitAcknowledged();
        return published;
    }

    private void logSchedule() {
        LOG.info(
                "simulator: {} pumps at one reading per {} ms; {} stays healthy",
                simulator.assets().size(),
                simulator.samplePeriodMillis(),
                String.join(", ", simulator.healthyAssets()));
        for (Fault fault : simulator.faults()) {
            LOG.info(
                    "simulator: scheduled {} on {} from t = {} s to t = {} s",
                    fault.kind().label(),
                    fault.asset(),
                    fault.startMillis() / 1000,
                    fault.endMillis() / 1000);
        }
    }
}
