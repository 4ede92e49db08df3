package io.smsgw.examples.multigateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay between a gateway's FWD link and a peer's FWD acceptor that can be cut: {@link #cut()} drops every
 * relayed connection and, until {@link #restore()}, closes each new one as soon as it arrives, which to the
 * dialling gateway looks like a peer that is unreachable. Plain blocking sockets, two threads per connection: it
 * carries one long-lived link, not traffic to measure.
 */
public final class LinkCutter implements AutoCloseable {

   private static final Logger LOG = LoggerFactory.getLogger(LinkCutter.class);
   private static final int CONNECT_TIMEOUT_MILLIS = 2000;
   private static final int BUFFER_SIZE = 8192;

   private final String name;
   private final ServerSocket server;
   private final InetSocketAddress target;
   /** Both sockets of every relayed connection, so a cut can close them all. */
   private final Set<Socket> open = ConcurrentHashMap.newKeySet();
   private final AtomicLong relayed = new AtomicLong();
   private final AtomicLong refused = new AtomicLong();
   private volatile boolean cut;
   /** While set, bytes from the peer back to the dialling gateway (its answers) are read and thrown away. */
   private volatile boolean swallowAnswers;

   private LinkCutter(String name, ServerSocket server, InetSocketAddress target) {
      this.name = name;
      this.server = server;
      this.target = target;
   }

   /** Listens on {@code listenPort} of the loopback address and relays to {@code targetPort} there. */
   public static LinkCutter start(String name, int listenPort, int targetPort) {
      try {
         InetAddress loopback = InetAddress.getLoopbackAddress();
         ServerSocket server = new ServerSocket();
         server.setReuseAddress(true);
         server.bind(new InetSocketAddress(loopback, listenPort));
         LinkCutter cutter = new LinkCutter(name, server, new InetSocketAddress(loopback, targetPort));
         Thread acceptor = new Thread(cutter::acceptLoop, "link-cutter-" + name);
         acceptor.setDaemon(true);
         acceptor.start();
         return cutter;
      } catch (IOException e) {
         throw new UncheckedIOException("The link " + name + " cannot listen on port " + listenPort, e);
      }
   }

   /** Drops the relayed connections and refuses new ones until {@link #restore()}. */
   public void cut() {
      cut = true;
      closeAll();
      LOG.info("Link {} cut", name);
   }

   /** Relays new connections again; the dialling gateway reconnects on its own. */
   public void restore() {
      cut = false;
      LOG.info("Link {} restored", name);
   }

   /**
    * Keeps relaying requests but throws the peer's answers away (or relays them again after {@code false}): the
    * peer stores what it gets while the dialling gateway never hears so, as when a link fails between the two.
    */
   public void swallowAnswers(boolean swallow) {
      swallowAnswers = swallow;
      LOG.info("Link {}: answers {}", name, swallow ? "swallowed" : "relayed");
   }

   public boolean isCut() {
      return cut;
   }

   /** Connections relayed since the start. */
   public long connectionsRelayed() {
      return relayed.get();
   }

   /** Connections closed on arrival because the link was cut. */
   public long connectionsRefused() {
      return refused.get();
   }

   /** Relayed connections open right now. */
   public int openConnections() {
      return open.size() / 2;
   }

   public int port() {
      return server.getLocalPort();
   }

   @Override
   public void close() {
      cut = true;
      try {
         server.close();
      } catch (IOException e) {
         LOG.debug("Closing {}", name, e);
      }
      closeAll();
   }

   private void acceptLoop() {
      while (!server.isClosed()) {
         Socket inbound;
         try {
            inbound = server.accept();
         } catch (IOException e) {
            return; // closed
         }
         if (cut) {
            refused.incrementAndGet();
            closeQuietly(inbound);
            continue;
         }
         Socket outbound = new Socket();
         try {
            outbound.connect(target, CONNECT_TIMEOUT_MILLIS);
         } catch (IOException e) {
            LOG.debug("Link {}: {} does not answer", name, target, e);
            closeQuietly(inbound);
            closeQuietly(outbound);
            continue;
         }
         open.add(inbound);
         open.add(outbound);
         relayed.incrementAndGet();
         pump(inbound, outbound, "up", false);
         pump(outbound, inbound, "down", true);
      }
   }

   /** Copies {@code from} to {@code to} on a thread of its own; the end of either closes both. {@code answers}: peer to dialler. */
   private void pump(Socket from, Socket to, String direction, boolean answers) {
      Thread thread = new Thread(() -> {
         byte[] buffer = new byte[BUFFER_SIZE];
         try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
               if (!(answers && swallowAnswers)) {
                  out.write(buffer, 0, read);
                  out.flush();
               }
            }
         } catch (IOException e) {
            // the other side or a cut closed the connection
         } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
         }
      }, "link-cutter-" + name + "-" + direction);
      thread.setDaemon(true);
      thread.start();
   }

   private void closeAll() {
      for (Socket socket : open) {
         closeQuietly(socket);
      }
   }

   private static void closeQuietly(Socket socket) {
      try {
         socket.close();
      } catch (IOException ignored) {
         // nothing more to release
      }
   }
}
