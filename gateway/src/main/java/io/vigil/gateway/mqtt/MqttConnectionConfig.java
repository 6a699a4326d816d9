package io.vigil.gateway.mqtt;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one MQTT broker. Immutable; build with {@link #builder(String)}.
 *
 * <pre>{@code
 * MqttConnectionConfig plant = MqttConnectionConfig.builder("tcp://plant-broker:1883")
 *         .clientIdPrefix("vigil-line3")
 *         .build();
 * }</pre>
 */
public final class MqttConnectionConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String serverUrl;
    private final String clientIdPrefix;
    private final String username;
    private final String password;
    private final Duration sessionExpiry;
    private final Duration keepAlive;
    private final Duration maxReconnectDelay;

    private MqttConnectionConfig(Builder builder) {
        this.serverUrl = builder.serverUrl;
        this.clientIdPrefix = builder.clientIdPrefix;
        this.username = builder.username;
        this.password = builder.password;
        this.sessionExpiry = builder.sessionExpiry;
        this.keepAlive = builder.keepAlive;
        this.maxReconnectDelay = builder.maxReconnectDelay;
    }

    public static Builder builder(String serverUrl) {
        return new Builder(serverUrl);
    }

    /** A builder holding this config's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(serverUrl)
                .clientIdPrefix(clientIdPrefix)
                .credentials(username, password)
                .sessionExpiry(sessionExpiry)
                .keepAlive(keepAlive)
                .maxReconnectDelay(maxReconnectDelay);
    }

    /** Broker URL, {@code tcp://host:port} or {@code ssl://host:port}. */
    public String serverUrl() {
        return serverUrl;
    }

    /** Client ids are this prefix plus a role and the Flink subtask, stable across restarts. */
    public String clientIdPrefix() {
        return clientIdPrefix;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** How long the broker keeps a disconnected client's session and queues its messages. */
    public Duration sessionExpiry() {
        return sessionExpiry;
    }

    public Duration keepAlive() {
        return keepAlive;
    }

    /** The longest wait between two reconnect attempts (the wait doubles from one second). */
    public Duration maxReconnectDelay() {
        return maxReconnectDelay;
    }

    @Override
    public String toString() {
        return serverUrl + " (client ids " + clientIdPrefix + "-*)";
    }

    /** Builds a {@link MqttConnectionConfig}; {@link #build()} checks it. */
    public static final class Builder {
        private final String serverUrl;
        private String clientIdPrefix = "vigil";
        private String username;
        private String password;
        private Duration sessionExpiry = Duration.ofHours(1);
        private Duration keepAlive = Duration.ofSeconds(30);
        private Duration maxReconnectDelay = Duration.ofSeconds(30);

        private Builder(String serverUrl) {
            this.serverUrl = serverUrl;
        }

        public Builder clientIdPrefix(String clientIdPrefix) {
            this.clientIdPrefix = clientIdPrefix;
            return this;
        }

        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder sessionExpiry(Duration sessionExpiry) {
            this.sessionExpiry = sessionExpiry;
            return this;
        }

        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            this.maxReconnectDelay = maxReconnectDelay;
            return this;
        }

        public MqttConnectionConfig build() {
            Objects.requireNonNull(serverUrl, "Server URL must not be null.");
            if (!serverUrl.matches("(tcp|ssl|ws|wss)://[^:/]+(:\\d+)?/?")) {
                throw new IllegalArgumentException(
                        "Server URL must look like tcp://host:1883, found '" + serverUrl + "'.");
            }
            Objects.requireNonNull(clientIdPrefix, "Client id prefix must not be null.");
            Objects.requireNonNull(sessionExpiry, "Session expiry must not be null.");
            Objects.requireNonNull(keepAlive, "Keep-alive must not be null.");
            Objects.requireNonNull(maxReconnectDelay, "Max reconnect delay must not be null.");
            return new MqttConnectionConfig(this);
        }
    }
}
