package io.smsgw.bench.scenario;

import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.connect.manager.EndpointManager;
import com.zx.sms.connect.manager.cmpp.CMPPServerChildEndpointEntity;
import com.zx.sms.connect.manager.cmpp.CMPPServerEndpointEntity;
import com.zx.sms.handler.api.AbstractBusinessHandler;
import com.zx.sms.handler.api.BusinessHandlerInterface;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The non-durable CMPP baseline: SMSGate's (com.chinamobile.cmos:sms-core) CMPP server endpoint on
 * 127.0.0.1 with one SP account, answering every CMPP_SUBMIT at once with Result 0 and a fresh Msg_Id,
 * storing nothing (as the SMSGate server of {@code baselines.md} C1). The same load generator drives it
 * as the gateway, with the gateway's bench SP account, so the difference is what durable storage and
 * the broker cost.
 */
public final class SmsGateCmppServer implements AutoCloseable {

    /** The SP account: the same as BenchGateway's CMPP bench account, so run.sh passes the same options. */
    public static final String SP_ID = BenchGateway.CMPP_SP_ID;
    public static final String SECRET = BenchGateway.CMPP_SECRET;
    public static final String SOURCE = BenchGateway.CMPP_SOURCE;

    private final CMPPServerEndpointEntity server;
    private final int port;
    private final AtomicLong answered = new AtomicLong();

    private SmsGateCmppServer(CMPPServerEndpointEntity server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts listening on 127.0.0.1.
     *
     * @param port    0 for a free one
     * @param version the CMPP version of the account (0x30 or 0x20)
     * @param window  SMSGate's window of unanswered requests per connection (C1 used 16)
     */
    public static SmsGateCmppServer start(int port, int version, int window) throws IOException {
        // SMSGate binds inside openEndpoint and does not report the port it got, so a free one is picked first.
        int listenPort = port != 0 ? port : freePort();
        CMPPServerEndpointEntity server = new CMPPServerEndpointEntity();
        server.setId("smsgate-bench-server-" + listenPort);
        server.setHost("127.0.0.1");
        server.setPort(listenPort);
        server.setValid(true);
        server.setUseSSL(false);

        SmsGateCmppServer echo = new SmsGateCmppServer(server, listenPort);
        CMPPServerChildEndpointEntity account = new CMPPServerChildEndpointEntity();
        account.setId("smsgate-bench-sp-" + listenPort);
        account.setValid(true);
        account.setUserName(SP_ID);
        account.setPassword(SECRET);
        account.setSpCode(SOURCE);
        account.setVersion((short) version);
        account.setWindow(window);
        account.setMaxChannels((short) 64);
        account.setIdleTimeSec((short) 30);
        // Without resending, SMSGate keeps unanswered requests in a map, not in its BerkeleyDB store.
        account.setReSendFailMsg(false);
        account.setBusinessHandlerSet(List.<BusinessHandlerInterface>of(echo.new Answer()));
        server.addchild(account);
        EndpointManager.INS.openEndpoint(server);
        return echo;
    }

    /** The port listened on. */
    public int port() {
        return port;
    }

    /** SUBMITs answered so far. */
    public long answered() {
        return answered.get();
    }

    @Override
    public void close() {
        EndpointManager.INS.close(server);
        EndpointManager.INS.remove(server.getId());
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * {@code SmsGateCmppServer [PORT [VERSION [WINDOW]]]} (VERSION 0x30 or 0x20 as 48 or 32, or "3.0"/"2.0"):
     * prints {@code READY port=<port>} and runs until stopped.
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int version = args.length > 1 ? parseVersion(args[1]) : 0x30;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        SmsGateCmppServer server = start(port, version, window);
        System.out.println("READY port=" + server.port());
        Thread.currentThread().join();
    }

    private static int parseVersion(String text) {
        switch (text) {
            case "3.0":
                return 0x30;
            case "2.0":
                return 0x20;
            default:
                return Integer.decode(text);
        }
    }

    /** The last business handler: SUBMIT_RESP Result 0 at once, everything else to SMSGate's own handlers. */
    @ChannelHandler.Sharable
    private final class Answer extends AbstractBusinessHandler {

        @Override
        public String name() {
            return "smsgate-bench-answer";
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof CmppSubmitRequestMessage submit) {
                CmppSubmitResponseMessage response = new CmppSubmitResponseMessage(submit.getHeader());
                response.setResult(0);
                ctx.writeAndFlush(response);
                answered.incrementAndGet();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
