package io.vigil.gateway.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpSocketFactoryTest {

    @Test
    void socketsHaveNoDelayAndReadThroughABuffer() throws Exception {
        byte[] sent = new byte[10_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) i;
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client =
                        new TcpSocketFactory()
                                .createSocket(
                                        InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket peer = server.accept()) {
            try (OutputStream out = peer.getOutputStream()) {
                out.write(sent);
            }

            InputStream in = client.getInputStream();
            assertThat(client.getTcpNoDelay()).isTrue();
            assertThat(in).isInstanceOf(BufferedInputStream.class);
            assertThat(client.getInputStream()).isSameAs(in);
            // Paho reads a packet's type and length bytes one at a time, then its body.
            assertThat(in.read()).isEqualTo(0);
            assertThat(in.read()).isEqualTo(1);
            assertThat(in.available()).isPositive();
            assertThat(in.readNBytes(sent.length)).hasSize(sent.length - 2).startsWith(sent[2]);
            assertThat(in.read()).isEqualTo(-1);
        }
    }
}
