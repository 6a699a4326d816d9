package io.vigil.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder between a client and a broker that a test can cut and restore, as a network
 * outage would: while cut, open connections are dropped and new ones refused. The broker itself
 * keeps running, so other clients keep their sessions.
 */
public final class CuttableLink implements AutoCloseable {

    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private volatile boolean cut;

    public CuttableLink(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(this::accept, "cuttable-link");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Drops every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket broker = new Socket("127.0.0.1", targetPort);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                open.add(client);
                open.add(broker);
                pump(client, broker);
                pump(broker, client);
            } catch (IOException e) {
                // Server closed, or the broker refused: the client sees a dropped connection.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[8192];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                int n;
                                while ((n = in.read(buffer)) >= 0) {
                                    out.write(buffer, 0, n);
                                    out.flush();
                                }
                            } catch (IOException e) {
                                // Connection cut.
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                            }
                        },
                        "cuttable-link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
