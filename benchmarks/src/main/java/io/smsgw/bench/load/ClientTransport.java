package io.smsgw.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The client side I/O threads of a load run: native epoll where available (as the broker's own
 * acceptors use), else NIO.
 */
public final class ClientTransport implements AutoCloseable {

    private final EventLoopGroup group;
    private final boolean epoll;

    private ClientTransport(EventLoopGroup group, boolean epoll) {
        this.group = group;
        this.epoll = epoll;
    }

    public static ClientTransport create(int ioThreads) {
        DefaultThreadFactory threads = new DefaultThreadFactory("load-io", true);
        if (Epoll.isAvailable()) {
            return new ClientTransport(new EpollEventLoopGroup(ioThreads, threads), true);
        }
        return new ClientTransport(new NioEventLoopGroup(ioThreads, threads), false);
    }

    /** A bootstrap on these threads with TCP_NODELAY; the caller adds the handler. */
    public Bootstrap bootstrap() {
        return new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    public String name() {
        return epoll ? "epoll" : "nio";
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
