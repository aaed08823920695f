package io.adtrack.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy that can cut the line: {@link #cut()} closes every open connection and refuses new ones,
 * {@link #stall()} keeps every connection open but forwards nothing (a dependency that stopped answering, or a
 * half-open link), {@link #delay(Duration)} forwards everything late (a slow dependency), {@link #restore()} brings
 * any of them back. Lets a test take a dependency "down" without losing its data, the way a network partition or a
 * failover would.
 */
public final class TcpProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);

  private final int listenPort;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private ServerSocket server;
  private Thread acceptor;
  private volatile boolean stalled;
  private volatile long latencyNanos;

  private TcpProxy(int listenPort, int targetPort) {
    this.listenPort = listenPort;
    this.targetPort = targetPort;
  }

  /** Starts a proxy on a free port forwarding to {@code localhost:targetPort}. */
  public static TcpProxy start(int targetPort) {
    TcpProxy proxy = new TcpProxy(FreePorts.next(), targetPort);
    proxy.restore();
    return proxy;
  }

  public int port() {
    return listenPort;
  }

  /** Accepts connections and forwards again, at once (no-op when already open and not stalled or delayed). */
  public synchronized void restore() {
    stalled = false;
    latencyNanos = 0;
    if (server != null) {
      return;
    }
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
      server = socket;
    } catch (IOException e) {
      throw new UncheckedIOException("proxy cannot listen on " + listenPort, e);
    }
    ServerSocket current = server;
    acceptor = new Thread(() -> acceptLoop(current), "tcp-proxy-" + listenPort);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Keeps connections open, old and new, but drops every byte either way until {@link #restore()}. */
  public void stall() {
    stalled = true;
  }

  /**
   * Forwards every byte, either way, {@code latency} after it arrived (order kept) until {@link #restore()}: each
   * request and each answer through the line takes that much longer (a round trip twice that), as over a congested
   * or distant link.
   */
  public void delay(Duration latency) {
    latencyNanos = latency.toNanos();
  }

  /** Closes every connection and refuses new ones until {@link #restore()}. */
  public synchronized void cut() {
    if (server == null) {
      return;
    }
    closeQuietly(server);
    server = null;
    try {
      // A connection accepted just before the close must be registered before the sweep below, or it would
      // survive the cut: wait for the acceptor to notice the closed listener.
      acceptor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  @Override
  public void close() {
    cut();
  }

  private void acceptLoop(ServerSocket listener) {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (SocketException e) {
        LOG.debug("proxy on {} stopped accepting: {}", listenPort, e.getMessage());
      } catch (IOException e) {
        // The target is down (often on purpose: a test stopped it): the client's connection just closes, as it
        // would with the target itself gone.
        LOG.debug("proxy on {} failed to connect to {}: {}", listenPort, targetPort, e.getMessage());
      }
    }
  }

  /**
   * Forwards {@code from} to {@code to}: a reader queues what arrives with the time it is due, a writer sends it
   * then, so a delay holds bytes back without slowing the reading. Either side ending closes both.
   */
  private void pipe(Socket from, Socket to) {
    BlockingQueue<Chunk> due = new LinkedBlockingQueue<>();
    daemon("tcp-proxy-read-" + listenPort, () -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (!stalled) {
            due.add(new Chunk(System.nanoTime() + latencyNanos, Arrays.copyOf(buffer, read)));
          }
        }
      } catch (IOException e) {
        // The other direction or cut() closed the pair: nothing left to forward.
        LOG.trace("proxy pipe closed: {}", e.getMessage());
      } finally {
        due.add(Chunk.END);
      }
    });
    daemon("tcp-proxy-write-" + listenPort, () -> {
      try (OutputStream out = to.getOutputStream()) {
        for (Chunk chunk = due.take(); chunk != Chunk.END; chunk = due.take()) {
          long wait = chunk.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          out.write(chunk.bytes());
          out.flush();
        }
      } catch (IOException e) {
        LOG.trace("proxy pipe closed: {}", e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    });
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Bytes read, and when they are due to be written. */
  private record Chunk(long dueNanos, byte[] bytes) {
    static final Chunk END = new Chunk(0, new byte[0]);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is best effort; a socket that will not close is already dead to us.
      LOG.trace("close failed", e);
    }
  }
}
