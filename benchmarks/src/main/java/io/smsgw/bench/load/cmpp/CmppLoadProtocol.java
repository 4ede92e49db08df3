package io.smsgw.bench.load.cmpp;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.smsgw.bench.load.ClientTransport;
import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.LoadProtocol;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * CMPP 2.0/3.0 SP load over the gateway's own codec: each connection sends CONNECT (SP_Id and secret from
 * the system-id and password options) and then submits within its window.
 */
public final class CmppLoadProtocol implements LoadProtocol {

    /** Larger than any PDU a gateway sends an SP; a longer Total_Length closes the connection. */
    private static final int MAX_PDU = 4096;

    @Override
    public String name() {
        return "CMPP";
    }

    @Override
    public CompletableFuture<LoadConnection> connect(ClientTransport transport, LoadOptions options,
                                                     LoadMetrics metrics, int index) {
        // The codec keeps the negotiated version per channel, so each connection has its own pair.
        CmppPduDecoder decoder = new CmppPduDecoder();
        CmppPduEncoder encoder = new CmppPduEncoder();
        CmppLoadConnection connection = new CmppLoadConnection(options, metrics, decoder, encoder,
                Clock.systemDefaultZone());
        transport.bootstrap().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline()
                        // Total_Length counts itself: strip nothing, adjust by -4.
                        .addLast("frame", new LengthFieldBasedFrameDecoder(MAX_PDU, 0, 4, -4, 0))
                        .addLast("decoder", decoder)
                        .addLast("encoder", encoder)
                        .addLast("load", connection);
            }
        }).connect(options.host(), options.port()).addListener(connected -> {
            if (!connected.isSuccess()) {
                connection.failBind(connected.cause());
            }
        });
        return connection.bound();
    }
}
