package io.vigil.gateway.simulator;

import java.util.SplittableRandom;

/**
 * A small physical model of one centrifugal pump, stepped at a fixed sample period.
 *
 * <p>The operating point (flow) wanders slowly as the process changes demand; pressure follows the
 * pump curve, motor current the hydraulic power, bearing temperature the current through a thermal
 * lag. Each pump gets its own nominal point from its seed so a model must generalize across assets.
 * Not thread-safe: one instance per asset.
 */
final class PumpPhysics {

    private final SplittableRandom random;
    private final double nominalFlow;
    private final double shutOffPressure;
    private final double ambient;
    private final double flowSwing;
    private final double phase;

    private double demandWalk;
    private double temperature;
    private double drift;

    PumpPhysics(long seed) {
        this.random = new SplittableRandom(seed);
        this.nominalFlow = 40.0 + random.nextDouble() * 20.0;
        this.shutOffPressure = 7.5 + random.nextDouble() * 1.5;
        this.ambient = 22.0 + random.nextDouble() * 6.0;
        this.flowSwing = 0.08 + random.nextDouble() * 0.07;
        this.phase = random.nextDouble() * 2 * Math.PI;
        this.temperature = steadyTemperature(currentAt(nominalFlow, pressureAt(nominalFlow)));
    }

    /** Advances the pump by one sample and returns its readings, with {@code fault} applied. */
    PumpReading step(String asset, long timestampMillis, long offsetMillis, Fault fault) {
        double seconds = offsetMillis / 1000.0;
        demandWalk = 0.995 * demandWalk + 0.02 * gaussian();
        double flow =
                nominalFlow
                        * (1.0
                                + flowSwing * Math.sin(2 * Math.PI * seconds / 120.0 + phase)
                                + 0.03 * demandWalk);
        double pressure = pressureAt(flow);
        double current = currentAt(flow, pressure);
        double vibration = 1.1 + 0.012 * Math.abs(flow - nominalFlow);

        FaultKind kind = fault != null && fault.activeAt(offsetMillis) ? fault.kind() : null;
        double progress = kind == null ? 0.0 : fault.progressAt(offsetMillis);
        double heat = 0.0;
        double sensorDrift = 0.0;
        if (kind == FaultKind.BEARING_WEAR) {
            vibration *= 1.0 + 1.5 * Math.min(1.0, 3 * progress);
            heat = 6.0 * Math.min(1.0, 3 * progress);
        } else if (kind == FaultKind.CAVITATION) {
            pressure *= 0.82 + 0.06 * gaussian();
            flow *= 0.9 + 0.05 * gaussian();
            vibration += 1.2 + 0.8 * Math.abs(gaussian());
        } else if (kind == FaultKind.SENSOR_DRIFT) {
            drift = Math.min(25.0, drift + 0.05);
            sensorDrift = drift;
        } else if (kind == FaultKind.SPIKES && random.nextDouble() < 0.08) {
            current *= 1.6 + 0.4 * random.nextDouble();
        }
        if (kind != FaultKind.SENSOR_DRIFT) {
            drift = 0.0;
        }

        // First-order thermal lag towards the steady temperature for the present load.
        double target = steadyTemperature(current) + heat;
        temperature += (target - temperature) * 0.02;

        return new PumpReading(
                asset,
                timestampMillis,
                vibration * (1.0 + 0.03 * gaussian()),
                pressure + 0.03 * gaussian(),
                temperature + sensorDrift + 0.05 * gaussian(),
                current * (1.0 + 0.01 * gaussian()),
                flow + 0.2 * gaussian(),
                kind);
    }

    private double pressureAt(double flow) {
        double ratio = flow / (nominalFlow * 1.8);
        return shutOffPressure * (1.0 - ratio * ratio);
    }

    private double currentAt(double flow, double pressure) {
        // Hydraulic power in kW over an efficiency of ~0.7 at 400 V three-phase, plus no-load
        // current.
        double hydraulicKw = flow / 3600.0 * pressure * 100.0;
        return 4.0 + hydraulicKw / 0.7 * 1000.0 / (Math.sqrt(3) * 400.0 * 0.85);
    }

    private double steadyTemperature(double current) {
        return ambient + 1.2 * current;
    }

    private double gaussian() {
        // Box-Muller on SplittableRandom, which has no nextGaussian on Java 17.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
