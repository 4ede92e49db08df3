package io.smsgw.simulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPduDecoder;
import io.smsgw.smpp.codec.SmppPduEncoder;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An SMPP 3.3/3.4 server in the SMSC role for tests, demos and benchmarks: accepts binds, answers
 * submit_sm / data_sm / submit_multi with unique message ids (or refuses them, see
 * {@link SubmitPolicy}), sends delivery receipts after a delay with a chosen success share, delivers
 * injected MO messages, answers enquire_link and counts everything ({@link #stats()}).
 *
 * <pre>{@code
 * try (SmscSimulator smsc = SmscSimulator.start(SimulatorConfig.builder()
 *         .receiptDelay(Duration.ofMillis(100)).receiptSuccessRatio(0.9).build())) {
 *     connect an ESME to smsc.port() ...
 * }
 * }</pre>
 *
 * Built on the gateway's own SMPP codec and Netty; per message it allocates little more than the decoded
 * PDU and its response, so it stays far from being the bottleneck of a benchmark.
 */
public final class SmscSimulator implements AutoCloseable {

    private static final SmppPduDecoder DECODER = new SmppPduDecoder();
    private static final SmppPduEncoder ENCODER = new SmppPduEncoder();

    private final SimulatorContext context;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ChannelGroup channels;
    private final Channel serverChannel;

    private SmscSimulator(SimulatorContext context, EventLoopGroup acceptor, EventLoopGroup workers,
                          ChannelGroup channels, Channel serverChannel) {
        this.context = context;
        this.acceptor = acceptor;
        this.workers = workers;
        this.channels = channels;
        this.serverChannel = serverChannel;
    }

    /**
     * Starts listening and returns once the port is bound.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static SmscSimulator start(SimulatorConfig config) {
        SimulatorContext context = new SimulatorContext(config);
        EventLoopGroup acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("smsc-sim-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("smsc-sim-io", true));
        ChannelGroup channels = new DefaultChannelGroup("smsc-sim", GlobalEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        ChannelPipeline pipeline = channel.pipeline();
                        pipeline.addLast("frame", SmppCodec.newFrameDecoder(config.maxPduSize()));
                        pipeline.addLast("decoder", DECODER);
                        pipeline.addLast("encoder", ENCODER);
                        pipeline.addLast("session", new SimulatorSession(context));
                    }
                });
        try {
            Channel server = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
            return new SmscSimulator(context, acceptor, workers, channels, server);
        } catch (Exception e) {
            // Netty rethrows the bind's checked java.net.BindException undeclared: caught as Exception, not only
            // RuntimeException, so a port in use is reported as documented.
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    /** The port actually listened on (useful with port 0). */
    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public SimulatorConfig config() {
        return context.config;
    }

    /** The counters as of now. */
    public SimulatorStats stats() {
        return context.counters.snapshot();
    }

    /**
     * Sends {@code mo} as deliver_sm to a bound receiver or transceiver of {@code systemId} (in turn when
     * several are bound), within that session's deliver_sm window.
     *
     * @return completes with the command_status of the deliver_sm_resp; fails with
     *     {@link IllegalStateException} when no such session is bound or it closes before answering
     */
    public CompletableFuture<Integer> injectMo(String systemId, MoMessage mo) {
        SimulatorSession target = context.registry.pick(systemId, null);
        if (target == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("no receiver or transceiver bound as '" + systemId + "'"));
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        target.offerMo(mo, result);
        return result;
    }

    /** Closes every connection and stops listening; waits for the I/O threads to finish. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
