package io.smsgw.multigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppDeliverResponseMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.codec.cmpp.msg.CmppTerminateRequestMessage;
import com.zx.sms.common.util.ChannelUtil;
import com.zx.sms.common.util.DefaultMsgIdUtil;
import com.zx.sms.common.util.MsgId;
import com.zx.sms.connect.manager.EndpointManager;
import com.zx.sms.connect.manager.cmpp.CMPPClientEndpointEntity;
import com.zx.sms.handler.api.AbstractBusinessHandler;
import com.zx.sms.handler.api.BusinessHandlerInterface;
import com.zx.sms.session.cmpp.SessionState;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Promise;
import io.smsgw.broker.testing.Wait;
import io.smsgw.examples.multigateway.MultiGatewayTopology;

/**
 * One of Sina's CMPP 3.0 connections, played by SMSGate: logged in to one gateway as SP 901234, it answers every
 * DELIVER (MO or status report) with Result 0 and keeps it, so the test can look for a message and count how
 * often it came.
 */
final class SinaConnection implements AutoCloseable {

   private static final int CMPP_30 = 0x30;
   private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

   private final CMPPClientEndpointEntity entity;
   private final List<CmppDeliverRequestMessage> delivered = new CopyOnWriteArrayList<>();
   private volatile Channel channel;

   private SinaConnection(CMPPClientEndpointEntity entity) {
      this.entity = entity;
      entity.setBusinessHandlerSet(List.<BusinessHandlerInterface>of(new Recorder()));
   }

   /** Opens the endpoint {@code id} to the CMPP acceptor on {@code port} and waits until it is logged in. */
   static SinaConnection open(String id, int port, Duration timeout) {
      CMPPClientEndpointEntity entity = new CMPPClientEndpointEntity();
      entity.setId(id);
      entity.setHost("127.0.0.1");
      entity.setPort(port);
      entity.setUserName(MultiGatewayTopology.SINA_SP_ID);
      entity.setPassword(MultiGatewayTopology.SINA_SECRET);
      entity.setSpCode(MultiGatewayTopology.SINA_SERVICE_NUMBER);
      entity.setVersion((short) CMPP_30);
      entity.setMaxChannels((short) 1);
      entity.setWindow(16);
      SinaConnection sina = new SinaConnection(entity);
      try {
         EndpointManager.INS.openEndpoint(entity);
         Wait.until("Sina's endpoint " + id + " logged in", timeout, sina::isConnected);
      } catch (RuntimeException | AssertionError e) {
         EndpointManager.INS.remove(id);
         throw e;
      }
      return sina;
   }

   boolean isConnected() {
      Channel current = channel;
      return current != null && current.isActive();
   }

   /** Submits a one-segment text and returns its Msg_Id (from SUBMIT_RESP, which must say Result 0). */
   long submit(CmppSubmitRequestMessage message, Duration timeout) throws Exception {
      List<Promise<CmppSubmitResponseMessage>> promises = ChannelUtil.syncWriteLongMsgToEntity(entity, message);
      assertNotNull(promises, "SMSGate had no logged-in connection to write to");
      assertEquals(1, promises.size(), "a short text goes in one SUBMIT");
      Promise<CmppSubmitResponseMessage> promise = promises.get(0);
      if (!promise.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || !promise.isSuccess()) {
         throw new AssertionError("No SUBMIT_RESP within " + timeout, promise.cause());
      }
      assertEquals(0, promise.getNow().getResult(), "SUBMIT_RESP Result");
      return msgId(promise.getNow().getMsgId());
   }

   /** Every DELIVER so far (MO and status reports), in arrival order. */
   List<CmppDeliverRequestMessage> delivered() {
      return List.copyOf(delivered);
   }

   /** How many DELIVERs so far match {@code wanted}. */
   long count(Predicate<CmppDeliverRequestMessage> wanted) {
      return delivered.stream().filter(wanted).count();
   }

   /** The first DELIVER matching {@code wanted}, waiting up to {@code timeout}. */
   CmppDeliverRequestMessage await(String what, Predicate<CmppDeliverRequestMessage> wanted, Duration timeout) {
      Wait.until(what, timeout, () -> count(wanted) > 0);
      return delivered.stream().filter(wanted).findFirst().orElseThrow();
   }

   /** An MO with this text. */
   static Predicate<CmppDeliverRequestMessage> mo(String text) {
      return d -> !d.isReport() && text.equals(d.getMsgContent());
   }

   /** The status report on {@code msgId}. */
   static Predicate<CmppDeliverRequestMessage> reportOf(long msgId) {
      return d -> d.isReport() && msgId(d.getReportRequestMessage().getMsgId()) == msgId;
   }

   /** The 64-bit Msg_Id on the wire, from SMSGate's split-up form. */
   static long msgId(MsgId id) {
      return ByteBuffer.wrap(DefaultMsgIdUtil.msgId2Bytes(id)).getLong();
   }

   /** Ends the session with CMPP_TERMINATE if it is still up, then forgets the endpoint. */
   @Override
   public void close() {
      Channel last = channel;
      try {
         if (last != null && last.isActive()) {
            last.writeAndFlush(new CmppTerminateRequestMessage());
            Wait.until("Sina's endpoint " + entity.getId() + " terminated", CLOSE_TIMEOUT, () -> !last.isActive());
         }
      } finally {
         EndpointManager.INS.remove(entity.getId());
      }
   }

   /** Last business handler: answers and records DELIVERs (SMSGate leaves DELIVER_RESP to the application). */
   @ChannelHandler.Sharable
   private final class Recorder extends AbstractBusinessHandler {

      @Override
      public String name() {
         return "sina-recorder";
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
         if (event == SessionState.Connect) {
            channel = ctx.channel();
         }
         ctx.fireUserEventTriggered(event);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
         if (msg instanceof CmppDeliverRequestMessage deliver) {
            CmppDeliverResponseMessage response = new CmppDeliverResponseMessage(deliver.getHeader().getSequenceId());
            response.setMsgId(deliver.getMsgId());
            response.setResult(0);
            ctx.writeAndFlush(response);
            delivered.add(deliver);
         } else {
            ctx.fireChannelRead(msg);
         }
      }
   }
}
