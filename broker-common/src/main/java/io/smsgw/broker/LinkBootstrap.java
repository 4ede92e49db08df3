package io.smsgw.broker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * How an outgoing link opens its TCP connections; the pipeline on them is the link's. A link's host name is looked up
 * by {@link #resolve} off the link's event loop, before each connect; the bootstrap only connects to the address found.
 */
public final class LinkBootstrap {

   /** How a host name becomes addresses; {@link #SYSTEM} in the broker, a stand-in in tests. May block. */
   @FunctionalInterface
   public interface HostLookup {
      InetAddress[] lookup(String host) throws UnknownHostException;
   }

   /** The JVM's lookup (hosts file, DNS; its cache), as Netty's default resolver used it on the event loop. */
   public static final HostLookup SYSTEM = InetAddress::getAllByName;

   /** Threads that look host names up for every link of the JVM: a slow DNS server holds one of them, never a loop. */
   private static final int LOOKUP_THREADS = 4;
   private static final ExecutorService LOOKUPS = lookups();

   private LinkBootstrap() {
   }

   private static ExecutorService lookups() {
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor executor = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30, TimeUnit.SECONDS,
         new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "smsgw-link-lookup-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
         });
      executor.allowCoreThreadTimeOut(true); // no thread stays while no link connects
      return executor;
   }

   /**
    * A client bootstrap whose connections live on {@code loop}, the link's event loop, where all its state lives. A
    * connect gives up after {@code connectTimeout} (the link's response timeout), so an address that swallows the SYN
    * counts as a failed attempt and the link's backoff goes on; Nagle is off, as a link writes small PDUs that each wait
    * for an answer. It connects only to an address {@link #resolve} found: it has no resolver of its own, as Netty's
    * default one looks the name up on the event loop.
    */
   public static Bootstrap on(EventLoop loop, Duration connectTimeout, Consumer<SocketChannel> initChannel) {
      return new Bootstrap().group(loop).channel(NioSocketChannel.class)
         .resolver(NoopAddressResolverGroup.INSTANCE)
         .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
         .option(ChannelOption.TCP_NODELAY, true)
         .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
               initChannel.accept(ch);
            }
         });
   }

   /**
    * Looks {@code host} up with {@code lookup} on a lookup thread, never on {@code loop} (a DNS server that does not
    * answer would stop every link of the loop for the resolver's timeout), and completes on {@code loop} with the first
    * address and {@code port}; an IP address is taken as it is, at once. Fails with an {@link UnknownHostException}
    * naming the host when the lookup fails. Called before each connect, so a changed DNS entry is seen at the next one.
    * If the loop shut down meanwhile, the future never completes (nothing is left to connect).
    */
   public static Future<InetSocketAddress> resolve(EventLoop loop, String host, int port, HostLookup lookup) {
      Promise<InetSocketAddress> resolved = loop.newPromise();
      byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
      if (literal != null) {
         try {
            return resolved.setSuccess(new InetSocketAddress(InetAddress.getByAddress(host, literal), port));
         } catch (UnknownHostException e) {
            return resolved.setFailure(e); // not for 4 or 16 bytes
         }
      }
      try {
         LOOKUPS.execute(() -> {
            InetSocketAddress address = null;
            Throwable failure = null;
            try {
               InetAddress[] found = lookup.lookup(host);
               if (found == null || found.length == 0) {
                  failure = new UnknownHostException(host + ": no address");
               } else {
                  address = new InetSocketAddress(found[0], port);
               }
            } catch (UnknownHostException e) {
               failure = e.getMessage() != null && e.getMessage().contains(host) ? e
                  : withCause(new UnknownHostException(host + ": " + e.getMessage()), e);
            } catch (RuntimeException e) {
               failure = withCause(new UnknownHostException(host + ": lookup failed: " + e), e);
            }
            complete(loop, resolved, address, failure);
         });
      } catch (RejectedExecutionException e) {
         resolved.setFailure(withCause(new UnknownHostException(host + ": no lookup thread"), e));
      }
      return resolved;
   }

   private static UnknownHostException withCause(UnknownHostException e, Throwable cause) {
      e.initCause(cause);
      return e;
   }

   /** Completes on the loop, so the link's listeners run there; a loop that is gone has no link left to tell. */
   private static void complete(EventLoop loop, Promise<InetSocketAddress> resolved, InetSocketAddress address,
                                Throwable failure) {
      if (loop.isShuttingDown()) {
         return;
      }
      try {
         loop.execute(() -> {
            if (failure == null) {
               resolved.trySuccess(address);
            } else {
               resolved.tryFailure(failure);
            }
         });
      } catch (RejectedExecutionException e) {
         // shut down between the check and the hand-over
      }
   }

   /** Why a connect failed, for the log and the link's last error: its cause, or "?" when Netty gave none. */
   public static String failureCause(Future<?> connect) {
      return connect.cause() == null ? "?" : connect.cause().toString();
   }
}
