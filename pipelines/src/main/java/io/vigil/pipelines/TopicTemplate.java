package io.vigil.pipelines;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A topic filter whose levels may be named: {@code plant/{line}/{asset}/telemetry} subscribes to
 * {@code plant/+/+/telemetry} and reads the asset id from level 2. {@code {asset}} and {@code
 * {channel}} mean something to the decoder; other names only document a level. {@code +} and {@code
 * #} keep their MQTT meaning.
 *
 * @param template the template as written
 * @param filter the MQTT filter subscribed to: every named level becomes {@code +}
 * @param assetLevel the 0-based level of {@code {asset}}, or -1
 * @param channelLevel the 0-based level of {@code {channel}}, or -1
 */
public record TopicTemplate(String template, String filter, int assetLevel, int channelLevel)
        implements Serializable {

    private static final Pattern NAME = Pattern.compile("\\{[a-z][a-z0-9-]*}");

    /** Parses a template; throws {@link IllegalArgumentException} with {@link #problem}. */
    public static TopicTemplate parse(String template) {
        String problem = problem(template);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String[] levels = template.split("/", -1);
        int asset = -1;
        int channel = -1;
        StringBuilder filter = new StringBuilder();
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("{asset}")) {
                asset = i;
            } else if (level.equals("{channel}")) {
                channel = i;
            }
            filter.append(i == 0 ? "" : "/").append(level.startsWith("{") ? "+" : level);
        }
        return new TopicTemplate(template, filter.toString(), asset, channel);
    }

    /** What is wrong with a template, or {@code null} when it is valid. */
    public static String problem(String template) {
        if (template.isEmpty()) {
            return "a topic must not be empty";
        }
        String[] levels = template.split("/", -1);
        Set<String> names = new HashSet<>();
        StringBuilder filter = new StringBuilder();
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("{") || level.contains("}")) {
                if (!NAME.matcher(level).matches()) {
                    return "a named level must be a whole level like '{asset}' (lowercase letters,"
                            + " digits, '-'), found '"
                            + level
                            + "' in '"
                            + template
                            + "'";
                }
                if (!names.add(level)) {
                    return "the level " + level + " is named twice in '" + template + "'";
                }
                level = "+";
            }
            filter.append(i == 0 ? "" : "/").append(level);
        }
        String problem = TopicFilters.problem(filter.toString());
        return problem == null ? null : problem.replace(filter, template);
    }

    /** Whether a topic matches this template. */
    public boolean matches(String topic) {
        return TopicFilters.matches(filter, topic);
    }

    /** The asset id in a matching topic, or {@code null} when the template names no asset. */
    public String asset(String topic) {
        return assetLevel < 0 ? null : TopicFilters.level(topic, assetLevel);
    }

    /** The channel id in a matching topic, or {@code null} when the template names none. */
    public String channel(String topic) {
        return channelLevel < 0 ? null : TopicFilters.level(topic, channelLevel);
    }
}
