package io.glassbox.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay that a test can cut and restore: put between the server and the real PostgreSQL, it makes
 * "the database became unreachable" happen for real (connections reset, new ones refused) without stopping the
 * machine's database.
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private volatile ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.port = s.getLocalPort();
        start(s);
    }

    public int port() {
        return port;
    }

    /** Resets every relayed connection and refuses new ones. */
    public synchronized void cut() throws IOException {
        listener.close();
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException alreadyClosed) {
                // the pump closed it first
            }
        }
        open.clear();
    }

    /** Accepts connections again on the same port. */
    public synchronized void restore() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        start(s);
    }

    @Override
    public void close() throws IOException {
        cut();
    }

    private void start(ServerSocket s) {
        listener = s;
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // listener closed by cut(), or the database refused: the client sees a closed connection
                }
            }
        }, "tcp-proxy-" + port);
        t.setDaemon(true);
        t.start();
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }
}
