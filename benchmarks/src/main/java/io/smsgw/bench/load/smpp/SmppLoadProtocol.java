package io.smsgw.bench.load.smpp;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.smsgw.bench.load.ClientTransport;
import io.smsgw.bench.load.LoadConnection;
import io.smsgw.bench.load.LoadMetrics;
import io.smsgw.bench.load.LoadOptions;
import io.smsgw.bench.load.LoadProtocol;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPduDecoder;
import io.smsgw.smpp.codec.SmppPduEncoder;
import java.util.concurrent.CompletableFuture;

/** SMPP 3.3/3.4 load over the gateway's own codec: each connection binds and then submits within its window. */
public final class SmppLoadProtocol implements LoadProtocol {

    private static final int MAX_PDU = 70_000;
    private static final SmppPduDecoder DECODER = new SmppPduDecoder();
    private static final SmppPduEncoder ENCODER = new SmppPduEncoder();

    @Override
    public String name() {
        return "SMPP";
    }

    @Override
    public CompletableFuture<LoadConnection> connect(ClientTransport transport, LoadOptions options,
                                                     LoadMetrics metrics, int index) {
        SmppLoadConnection connection = new SmppLoadConnection(options, metrics);
        transport.bootstrap().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline()
                        .addLast("frame", SmppCodec.newFrameDecoder(MAX_PDU))
                        .addLast("decoder", DECODER)
                        .addLast("encoder", ENCODER)
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
