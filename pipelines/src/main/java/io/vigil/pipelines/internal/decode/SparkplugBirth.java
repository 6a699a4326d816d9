package io.vigil.pipelines.internal.decode;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;

/**
 * The metrics one birth declared, with their aliases and datatypes: an NBIRTH's for its edge node,
 * a DBIRTH's for its device. Data messages may give a metric by alias alone and leave out its
 * datatype (Sparkplug 3.0 recommends both), so they can only be read against the birth of their
 * session.
 */
final class SparkplugBirth {

    private final Map<Long, String> nameOfAlias = new HashMap<>();

    // Tahu's own table, by name and by alias: its decoder asks it for the datatype of a metric
    // that leaves its own out.
    private final MetricDataTypeMap datatypes = new MetricDataTypeMap();

    /**
     * Declares one metric of the birth message.
     *
     * @return why the metric cannot be declared, or null once it is
     */
    String declare(Payload.Metric metric) {
        if (!metric.hasName() || metric.getName().isEmpty()) {
            return "metric "
                    + (metric.hasAlias() ? "alias " + metric.getAlias() + " " : "")
                    + "has no name; a birth must name every metric";
        }
        String name = metric.getName();
        MetricDataType type = MetricDataType.fromInteger(metric.getDatatype());
        if (type == MetricDataType.Unknown) {
            return "metric '"
                    + name
                    + "' has "
                    + (metric.getDatatype() == 0
                            ? "no datatype"
                            : "unknown datatype " + metric.getDatatype())
                    + "; a birth must declare every metric's datatype";
        }
        if (metric.hasAlias()) {
            String other = nameOfAlias.putIfAbsent(metric.getAlias(), name);
            if (other != null && !other.equals(name)) {
                return "metric '"
                        + name
                        + "' reuses alias "
                        + metric.getAlias()
                        + " of metric '"
                        + other
                        + "'";
            }
            datatypes.addMetricDataType(metric.getAlias(), type);
        }
        datatypes.addMetricDataType(name, type);
        return null;
    }

    /**
     * The declared name of a metric of a data message, found by its name or else by its alias; null
     * when this birth does not declare it.
     */
    String nameOf(Payload.Metric metric) {
        if (metric.hasName()) {
            return datatypes.getMetricDataType(metric.getName()) != null ? metric.getName() : null;
        }
        return metric.hasAlias() ? nameOfAlias.get(metric.getAlias()) : null;
    }

    /** The datatype of a declared metric: its own if it has one, else the declared one. */
    MetricDataType datatypeOf(Payload.Metric metric, String name) {
        return metric.getDatatype() != 0
                ? MetricDataType.fromInteger(metric.getDatatype())
                : datatypes.getMetricDataType(name);
    }

    /** The declared datatypes, as Tahu's decoder looks them up. */
    MetricDataTypeMap datatypes() {
        return datatypes;
    }
}
