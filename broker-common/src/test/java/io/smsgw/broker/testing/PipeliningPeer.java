package io.smsgw.broker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.smsgw.broker.PduChannelHandler;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyServerConnection;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;

/**
 * A peer on a non-blocking socket with small buffers that can send requests back to back without reading a single
 * answer, as a misbehaving client would, and read them all afterwards. Frames are led by a four-byte big-endian
 * total length (SMPP and CMPP); the protocol's bytes are the caller's.
 */
public final class PipeliningPeer implements AutoCloseable {

   private final SocketChannel channel;
   private final Selector selector;
   private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
   /** Bytes of a frame the socket took only in part; they go out before anything else. */
   private ByteBuffer unfinished;
   private long written;

   private PipeliningPeer(SocketChannel channel) throws IOException {
      this.channel = channel;
      this.selector = Selector.open();
   }

   /** Connects with the given socket buffer sizes (set before connecting, so the TCP window starts small). */
   public static PipeliningPeer connect(int port, int receiveBuffer, int sendBuffer) throws IOException {
      SocketChannel channel = SocketChannel.open();
      channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
      channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
      channel.connect(new InetSocketAddress("127.0.0.1", port));
      channel.configureBlocking(false);
      return new PipeliningPeer(channel);
   }

   /**
    * The server end of a connection a test accepted, for a peer that plays the remote end of one of the gateway's
    * outgoing links (an SMSC, a peer gateway); set to non-blocking. Set the socket buffer sizes on the server socket
    * before it binds, so the accepted one starts with them.
    */
   public static PipeliningPeer accepted(SocketChannel accepted) throws IOException {
      accepted.configureBlocking(false);
      return new PipeliningPeer(accepted);
   }

   public SocketAddress localAddress() throws IOException {
      return channel.getLocalAddress();
   }

   /** Bytes the socket has taken so far. */
   public long bytesWritten() {
      return written;
   }

   /** Sends one frame whole, waiting for room up to the timeout. */
   public void send(byte[] frame, Duration timeout) throws IOException {
      finishFrame(timeout);
      unfinished = ByteBuffer.wrap(frame);
      finishFrame(timeout);
   }

   /** Writes what is left of a frame the socket took in part, waiting for room up to the timeout. */
   private void finishFrame(Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (unfinished != null && unfinished.hasRemaining()) {
         written += channel.write(unfinished);
         if (unfinished.hasRemaining()) {
            await(SelectionKey.OP_WRITE, deadline, "room to write");
         }
      }
      unfinished = null;
   }

   /**
    * Writes the frames {@code frame.apply(1)}, {@code frame.apply(2)}, ... (all of one length) without reading,
    * until the socket no longer takes bytes and {@code serverStoppedReading} holds. Fails if the socket took
    * {@code limit} bytes first, or at the timeout. Returns how many frames were started; the last one may be
    * written only in part, and the rest of it goes out while {@link #read} waits for answers.
    */
   public int flood(IntFunction<byte[]> frame, BooleanSupplier serverStoppedReading, long limit, Duration timeout)
      throws IOException {
      return flood(frame, serverStoppedReading, () -> "", limit, timeout);
   }

   /**
    * {@link #flood(IntFunction, BooleanSupplier, long, Duration)} against {@code server}: stops once the broker's
    * channel for this peer has {@code autoRead} off, and a failure tells the state of that channel, its event loop
    * and both ends' kernel queues ({@link #serverState}).
    */
   public int flood(IntFunction<byte[]> frame, ActiveMQServer server, long limit, Duration timeout) throws IOException {
      SocketAddress self = localAddress();
      return flood(frame, () -> serverStoppedReading(server, self), () -> serverState(server, self), limit, timeout);
   }

   /** As above; {@code diagnostics} is added to a failure's message. */
   public int flood(IntFunction<byte[]> frame, BooleanSupplier serverStoppedReading, Supplier<String> diagnostics,
                    long limit, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      long before = written;
      int length = frame.apply(1).length;
      ByteBuffer batch = ByteBuffer.allocate(length * 1024);
      int next = 1;
      batch.limit(0);
      boolean stopped = false;
      long lastTook = System.nanoTime();
      while (true) {
         if (!batch.hasRemaining()) {
            batch.clear();
            while (batch.remaining() >= length) {
               byte[] bytes = frame.apply(next++);
               assertEquals(length, bytes.length, "flooded frames have one length");
               batch.put(bytes);
            }
            batch.flip();
         }
         int took = channel.write(batch);
         written += took;
         if (took > 0) {
            lastTook = System.nanoTime();
            // The server read meanwhile: whatever it said before no longer tells whether it has stopped.
            stopped = false;
         }
         if (written - before >= limit) {
            fail("the server kept reading: the socket took " + (written - before) + " bytes of requests whose answers were never read; "
                    + diagnostics.get());
         }
         if (took == 0) {
            // The server's receive buffer and this socket's send buffer are full. The server may still be reading,
            // only slower than this: it must also say it stopped.
            if (stopped) {
               break;
            }
            stopped = serverStoppedReading.getAsBoolean();
            if (!stopped && System.nanoTime() > deadline) {
               fail("the server neither stopped reading nor took " + limit + " bytes (" + (written - before) + " taken, the last "
                       + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastTook) + " ms ago); this peer: " + describeSelf()
                       + "; " + diagnostics.get());
            }
            awaitBriefly();
         }
      }
      long flooded = written - before;
      int started = (int) ((flooded + length - 1) / length);
      int position = (int) (flooded % length);
      if (position != 0) {
         byte[] partial = frame.apply(started);
         unfinished = ByteBuffer.wrap(partial, position, length - position);
      }
      return started;
   }

   /**
    * The next frame, whole; fails at the timeout or if the server closes first. The rest of a frame {@link #flood}
    * left written in part goes out meanwhile, as the server makes room.
    */
   public byte[] read(Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
         if (unfinished != null) {
            written += channel.write(unfinished);
            if (!unfinished.hasRemaining()) {
               unfinished = null;
            }
         }
         if (in.position() >= 4) {
            int length = in.getInt(0);
            if (in.position() >= length) {
               byte[] frame = new byte[length];
               in.flip();
               in.get(frame);
               in.compact();
               return frame;
            }
         }
         int n = channel.read(in);
         if (n < 0) {
            fail("the server closed the connection");
         }
         if (n == 0) {
            await(SelectionKey.OP_READ | (unfinished != null ? SelectionKey.OP_WRITE : 0), deadline, "a frame");
         }
      }
   }

   /** Whether the server closed the connection within the timeout; what it sends meanwhile is read and dropped. */
   public boolean closedByServer(Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      ByteBuffer sink = ByteBuffer.allocate(1 << 16);
      while (System.nanoTime() < deadline) {
         sink.clear();
         int n;
         try {
            n = channel.read(sink);
         } catch (IOException reset) {
            return true;
         }
         if (n < 0) {
            return true;
         }
         if (n == 0) {
            channel.register(selector, SelectionKey.OP_READ);
            selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            selector.selectedKeys().clear();
         }
      }
      return false;
   }

   private void await(int op, long deadline, String what) throws IOException {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
         fail("timed out waiting for " + what);
      }
      channel.register(selector, op);
      selector.select(Math.max(1, left / 1_000_000));
      selector.selectedKeys().clear();
   }

   /** Waits for room to write, at most a poll interval, so the server's state is looked at again. */
   private void awaitBriefly() throws IOException {
      channel.register(selector, SelectionKey.OP_WRITE);
      selector.select(10); // a poll interval, not a synchronisation
      selector.selectedKeys().clear();
   }

   /**
    * Whether the broker has stopped reading from the connection whose remote end is {@code peer} (its Netty
    * channel's autoRead is off).
    */
   public static boolean serverStoppedReading(ActiveMQServer server, SocketAddress peer) {
      for (RemotingConnection connection : server.getRemotingService().getConnections()) {
         if (connection.getTransportConnection() instanceof NettyServerConnection netty) {
            Channel channel = netty.getChannel();
            if (peer.equals(channel.remoteAddress())) {
               return !channel.config().isAutoRead();
            }
         }
      }
      return false;
   }

   /** Bytes of answers the broker has written to the connection whose remote end is {@code peer} that the socket has not taken. */
   public static long serverUnsentBytes(ActiveMQServer server, SocketAddress peer) {
      for (RemotingConnection connection : server.getRemotingService().getConnections()) {
         if (connection.getTransportConnection() instanceof NettyServerConnection netty
             && peer.equals(netty.getChannel().remoteAddress())) {
            io.netty.channel.ChannelOutboundBuffer outbound = netty.getChannel().unsafe().outboundBuffer();
            return outbound == null ? 0 : outbound.totalPendingWriteBytes();
         }
      }
      return 0;
   }

   /** Whether the broker still lists a connection whose remote end is {@code peer}. */
   public static boolean serverHasConnection(ActiveMQServer server, SocketAddress peer) {
      for (RemotingConnection connection : server.getRemotingService().getConnections()) {
         if (connection.getTransportConnection() instanceof NettyServerConnection netty
             && peer.equals(netty.getChannel().remoteAddress())) {
            return true;
         }
      }
      return false;
   }

   /** This end's socket: addresses, buffer sizes the kernel granted, and its kernel queues. */
   private String describeSelf() {
      try {
         InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
         InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
         return local + " -> " + remote + ", SO_SNDBUF " + channel.getOption(StandardSocketOptions.SO_SNDBUF)
            + ", SO_RCVBUF " + channel.getOption(StandardSocketOptions.SO_RCVBUF)
            + ", kernel " + KernelTcpQueues.describe(local.getPort(), remote.getPort());
      } catch (IOException | RuntimeException e) {
         return "(not known: " + e + ")";
      }
   }

   /**
    * What the broker's side of the connection whose remote end is {@code peer} looks like, for a failure message:
    * whether the broker still lists it (and if not, whether an acceptor still holds its channel), the channel's
    * activity, writability, autoRead and unsent bytes, the flow state of its {@link PduChannelHandler} (read on its
    * event loop, which also shows whether that loop still runs tasks), what the event loop's thread is doing, and the
    * kernel's send and receive queues at both ends.
    */
   public static String serverState(ActiveMQServer server, SocketAddress peer) {
      StringBuilder out = new StringBuilder("server side: ");
      try {
         Channel channel = null;
         for (RemotingConnection connection : server.getRemotingService().getConnections()) {
            if (connection.getTransportConnection() instanceof NettyServerConnection netty
                && peer.equals(netty.getChannel().remoteAddress())) {
               channel = netty.getChannel();
            }
         }
         if (channel != null) {
            out.append("the broker lists the connection");
         } else {
            out.append("the broker does NOT list the connection");
            for (Acceptor acceptor : server.getRemotingService().getAcceptors().values()) {
               if (acceptor instanceof NettyAcceptor netty) {
                  for (NettyServerConnection connection : netty.getConnections().values()) {
                     if (peer.equals(connection.getChannel().remoteAddress())) {
                        channel = connection.getChannel();
                        out.append(", acceptor ").append(netty.getName()).append(" still holds its channel");
                     }
                  }
               }
            }
         }
         if (channel == null) {
            return out.append(", and no acceptor holds a channel from ").append(peer).toString();
         }
         ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
         out.append("; channel ").append(channel.localAddress()).append(" <- ").append(channel.remoteAddress())
            .append(" active=").append(channel.isActive()).append(" open=").append(channel.isOpen())
            .append(" writable=").append(channel.isWritable()).append(" autoRead=").append(channel.config().isAutoRead())
            .append(" unsent=").append(outbound == null ? "n/a" : outbound.totalPendingWriteBytes() + " bytes")
            .append(" bytesBeforeUnwritable=").append(channel.bytesBeforeUnwritable())
            .append(" bytesBeforeWritable=").append(channel.bytesBeforeWritable())
            .append(" pipeline=").append(channel.pipeline().names());
         @SuppressWarnings("rawtypes")
         PduChannelHandler handler = channel.pipeline().get(PduChannelHandler.class);
         EventExecutor loop = channel.eventLoop();
         try {
            String flow = loop.submit(() -> handler == null ? "no PDU handler" : handler.describeFlow()).get(1, TimeUnit.SECONDS);
            out.append("; handler (read on its event loop): ").append(flow);
         } catch (java.util.concurrent.TimeoutException e) {
            out.append("; its event loop did NOT run a task within 1 s");
         }
         if (loop instanceof SingleThreadEventExecutor single) {
            io.netty.util.concurrent.ThreadProperties thread = single.threadProperties();
            out.append("; event loop thread '").append(thread.name()).append("' ").append(thread.state()).append(" at");
            StackTraceElement[] stack = thread.stackTrace();
            for (int i = 0; i < Math.min(12, stack.length); i++) {
               out.append("\n      ").append(stack[i]);
            }
         }
         if (channel.localAddress() instanceof InetSocketAddress local && channel.remoteAddress() instanceof InetSocketAddress remote) {
            out.append("\n   kernel, server end ").append(KernelTcpQueues.describe(local.getPort(), remote.getPort()));
         }
      } catch (Exception e) {
         out.append(" (diagnostics failed: ").append(e).append(')');
      }
      return out.toString();
   }

   /**
    * Counts the flushes that reach the socket of the broker's connection whose remote end is {@code peer} from now on
    * (a handler put first in its pipeline): how many writes to the socket its answers take.
    */
   public static AtomicInteger countFlushes(ActiveMQServer server, SocketAddress peer) throws Exception {
      Channel channel = null;
      for (RemotingConnection connection : server.getRemotingService().getConnections()) {
         if (connection.getTransportConnection() instanceof NettyServerConnection netty
             && peer.equals(netty.getChannel().remoteAddress())) {
            channel = netty.getChannel();
         }
      }
      if (channel == null) {
         fail("the broker does not list a connection from " + peer);
      }
      AtomicInteger flushes = new AtomicInteger();
      ChannelPipeline pipeline = channel.pipeline();
      channel.eventLoop().submit(() -> pipeline.addFirst("test-flush-counter", new ChannelOutboundHandlerAdapter() {
         @Override
         public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
         }
      })).get(10, TimeUnit.SECONDS);
      return flushes;
   }

   /** A thread's name, state and top frames, for a failure message (a test's writer thread, say). */
   public static String threadState(Thread thread) {
      StringBuilder out = new StringBuilder("thread '").append(thread.getName()).append("' ").append(thread.getState());
      StackTraceElement[] stack = thread.getStackTrace();
      for (int i = 0; i < Math.min(8, stack.length); i++) {
         out.append("\n      ").append(stack[i]);
      }
      return out.toString();
   }

   @Override
   public void close() throws IOException {
      selector.close();
      channel.close();
   }
}
