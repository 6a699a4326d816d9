package io.vigil.gateway.mqtt.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Sockets tuned for Paho's traffic. Paho never sets TCP_NODELAY, so small QoS 1 packets wait on
 * Nagle's algorithm and the peer's delayed ACK; that capped a QoS 1 subscriber near 1 100 msg/s.
 * And Paho reads the socket unbuffered: per incoming packet it asks {@code available()} and reads
 * the type byte, each length byte and the body with a system call of its own, five in all, even
 * while hundreds of kilobytes wait in the socket. Reading through a 64 KiB buffer serves hundreds
 * of packets per system call. {@link PahoClients} gives every {@code tcp://} client these sockets.
 */
public final class TcpSocketFactory extends SocketFactory {

    private static final int READ_BUFFER_BYTES = 64 * 1024;

    @Override
    public Socket createSocket() throws IOException {
        Socket socket = new BufferedReadSocket();
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
            throws IOException {
        return connected(
                new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(
            InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(
                new InetSocketAddress(localAddress, localPort),
                new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        Socket socket = createSocket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(remote);
        return socket;
    }

    /** A plain socket whose input stream reads through a buffer. */
    private static final class BufferedReadSocket extends Socket {

        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new ReadBuffer(super.getInputStream());
            }
            return in;
        }
    }

    private static final class ReadBuffer extends BufferedInputStream {

        ReadBuffer(InputStream in) {
            super(in, READ_BUFFER_BYTES);
        }

        /**
         * What is buffered, without asking the socket while there is some: Paho asks before every
         * packet, and {@link BufferedInputStream} would make that a system call each time.
         */
        @Override
        public synchronized int available() throws IOException {
            int buffered = count - pos;
            return buffered > 0 ? buffered : super.available();
        }
    }
}
