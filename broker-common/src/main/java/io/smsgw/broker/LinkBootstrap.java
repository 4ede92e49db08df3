package io.smsgw.broker;

import java.time.Duration;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;

/** How an outgoing link opens its TCP connections; the pipeline on them is the link's. */
public final class LinkBootstrap {

   private LinkBootstrap() {
   }

   /**
    * A client bootstrap whose connections live on {@code loop}, the link's event loop, where all its state lives. A
    * connect gives up after {@code connectTimeout} (the link's response timeout), so an address that swallows the SYN
    * counts as a failed attempt and the link's backoff goes on; Nagle is off, as a link writes small PDUs that each wait
    * for an answer.
    */
   public static Bootstrap on(EventLoop loop, Duration connectTimeout, Consumer<SocketChannel> initChannel) {
      return new Bootstrap().group(loop).channel(NioSocketChannel.class)
         .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
         .option(ChannelOption.TCP_NODELAY, true)
         .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
               initChannel.accept(ch);
            }
         });
   }

   /** Why a connect failed, for the log and the link's last error: its cause, or "?" when Netty gave none. */
   public static String failureCause(Future<?> connect) {
      return connect.cause() == null ? "?" : connect.cause().toString();
   }
}
