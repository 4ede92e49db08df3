package io.smsgw.cmppinterop;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.zx.sms.codec.cmpp.msg.CmppActiveTestRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppActiveTestResponseMessage;
import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppDeliverResponseMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.codec.cmpp.msg.CmppTerminateRequestMessage;
import com.zx.sms.common.GlobalConstance;
import com.zx.sms.common.util.CachedMillisecondClock;
import com.zx.sms.common.util.ChannelUtil;
import com.zx.sms.common.util.DefaultMsgIdUtil;
import com.zx.sms.common.util.MsgId;
import com.zx.sms.connect.manager.EndpointManager;
import com.zx.sms.connect.manager.cmpp.CMPPClientEndpointEntity;
import com.zx.sms.handler.api.AbstractBusinessHandler;
import com.zx.sms.handler.api.BusinessHandlerInterface;
import com.zx.sms.session.cmpp.SessionState;
import io.smsgw.broker.testing.Wait;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Promise;

/**
 * The SP, played by SMSGate: one CMPP client endpoint (version 0x20 or 0x30) logged in to the gateway
 * as the demo SP 901234. It answers every DELIVER with Result 0 and keeps it for the test, and counts
 * the ACTIVE_TEST traffic of its link in both directions. Public in the module's test jar: the several-gateways
 * scenario (multi-gateway-tests) plays its SP Sina with it.
 */
public final class SmsGateSp implements AutoCloseable {

   public static final String SP_ID = "901234";
   public static final String SECRET = "secret";
   /** The SP's service number; the account accepts Src_Ids that start with it. */
   public static final String SP_CODE = "1065712345";

   private static final String RECORDER = "interop-recorder";
   private static final String COUNTER = "interop-active-test-counter";
   private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

   /** The second of SMSGate's clock when a login last completed, in this JVM. */
   private static volatile long lastLoginSecond;

   private final CMPPClientEndpointEntity entity;
   private final BlockingQueue<CmppDeliverRequestMessage> delivers = new LinkedBlockingQueue<>();
   /** Every DELIVER ever received, for counting; {@link #delivers} is consumed by {@link #awaitDeliver}. */
   private final List<CmppDeliverRequestMessage> everyDeliver = new CopyOnWriteArrayList<>();
   private final AtomicInteger probesFromGateway = new AtomicInteger();
   private final AtomicInteger probesAnsweredBySp = new AtomicInteger();
   private final AtomicInteger probesFromSp = new AtomicInteger();
   private final AtomicInteger probesAnsweredByGateway = new AtomicInteger();
   private volatile Channel channel;

   private SmsGateSp(CMPPClientEndpointEntity entity) {
      this.entity = entity;
      entity.setBusinessHandlerSet(List.<BusinessHandlerInterface>of(new Recorder()));
   }

   /**
    * Opens the endpoint {@code id} (unique per test) and waits until it is logged in.
    *
    * @param idleSeconds seconds without traffic after which SMSGate sends ACTIVE_TEST
    */
   public static SmsGateSp connect(String id, int port, int version, int idleSeconds, Duration timeout) {
      CMPPClientEndpointEntity entity = new CMPPClientEndpointEntity();
      entity.setId(id);
      entity.setHost("127.0.0.1");
      entity.setPort(port);
      entity.setUserName(SP_ID);
      entity.setPassword(SECRET);
      entity.setSpCode(SP_CODE);
      entity.setVersion((short) version);
      entity.setMaxChannels((short) 1);
      entity.setWindow(16);
      entity.setIdleTimeSec((short) idleSeconds);
      SmsGateSp sp = new SmsGateSp(entity);
      try {
         sp.reconnect(timeout);
      } catch (RuntimeException | AssertionError e) {
         EndpointManager.INS.remove(id);
         throw e;
      }
      return sp;
   }

   /**
    * Opens a new connection (after the gateway went away) and waits until it is logged in. SMSGate takes CONNECT's
    * Timestamp from its {@link CachedMillisecondClock}, moved on once a second, and the gateway refuses a second
    * CONNECT of an SP with the same Timestamp as a replay; SMSGate logs in again only from its connection check
    * task, which these tests do not run. So a login waits until that clock is past the second of the last one.
    */
   void reconnect(Duration timeout) {
      long previous = lastLoginSecond;
      Wait.until("SMSGate's clock past the second of the last login", timeout,
                 () -> CachedMillisecondClock.INS.now() / 1000 > previous);
      channel = null;
      EndpointManager.INS.openEndpoint(entity);
      Wait.until("SMSGate endpoint " + entity.getId() + " logged in", timeout, this::isConnected);
      lastLoginSecond = CachedMillisecondClock.INS.now() / 1000;
   }

   boolean isConnected() {
      Channel current = channel;
      return current != null && current.isActive();
   }

   /** The link SMSGate logged in on most recently. */
   Channel channel() {
      return channel;
   }

   /**
    * Submits {@code message} the way SMSGate applications do (long texts are split into segments)
    * and returns the SUBMIT_RESP of every segment.
    */
   public List<CmppSubmitResponseMessage> submit(CmppSubmitRequestMessage message, Duration timeout) throws Exception {
      List<Promise<CmppSubmitResponseMessage>> promises = ChannelUtil.syncWriteLongMsgToEntity(entity, message);
      assertNotNull(promises, "SMSGate had no logged-in link to write to");
      List<CmppSubmitResponseMessage> responses = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Promise<CmppSubmitResponseMessage> promise : promises) {
         if (!promise.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            fail("No SUBMIT_RESP within " + timeout);
         }
         if (!promise.isSuccess()) {
            throw new AssertionError("SUBMIT failed in SMSGate", promise.cause());
         }
         responses.add(promise.getNow());
      }
      return responses;
   }

   /**
    * Writes {@code message} as {@link #submit} does but does not wait: one promise of a SUBMIT_RESP per segment, or null
    * when SMSGate has no logged-in link.
    */
   List<Promise<CmppSubmitResponseMessage>> submitWithoutWaiting(CmppSubmitRequestMessage message) throws Exception {
      return ChannelUtil.syncWriteLongMsgToEntity(entity, message);
   }

   /** Takes the next DELIVER matching {@code wanted}, dropping others; fails after {@code timeout}. */
   public CmppDeliverRequestMessage awaitDeliver(String what, Predicate<CmppDeliverRequestMessage> wanted, Duration timeout)
      throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
         CmppDeliverRequestMessage next = delivers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
         if (next == null) {
            fail("No DELIVER with " + what + " within " + timeout);
         }
         if (wanted.test(next)) {
            return next;
         }
      }
   }

   /** How many DELIVERs received so far match {@code wanted}, whether {@link #awaitDeliver} took them or not. */
   public long count(Predicate<CmppDeliverRequestMessage> wanted) {
      return everyDeliver.stream().filter(wanted).count();
   }

   /** Every DELIVER received so far, in order, whether {@link #awaitDeliver} took them or not. */
   public List<CmppDeliverRequestMessage> delivers() {
      return List.copyOf(everyDeliver);
   }

   /** ACTIVE_TESTs the gateway sent on this SP's links. */
   int probesFromGateway() {
      return probesFromGateway.get();
   }

   /** ACTIVE_TEST_RESPs SMSGate sent back. */
   int probesAnsweredBySp() {
      return probesAnsweredBySp.get();
   }

   /** ACTIVE_TESTs SMSGate sent because the link was idle. */
   int probesFromSp() {
      return probesFromSp.get();
   }

   /** ACTIVE_TEST_RESPs the gateway sent back. */
   int probesAnsweredByGateway() {
      return probesAnsweredByGateway.get();
   }

   /** The 64-bit Msg_Id on the wire, from SMSGate's split-up form. */
   public static long msgId(MsgId id) {
      return ByteBuffer.wrap(DefaultMsgIdUtil.msgId2Bytes(id)).getLong();
   }

   /** Ends the session the polite way (CMPP_TERMINATE) if it is still up, then forgets the endpoint. */
   @Override
   public void close() {
      Channel last = channel;
      try {
         if (last != null && last.isActive()) {
            last.writeAndFlush(new CmppTerminateRequestMessage());
            Wait.until("SMSGate endpoint " + entity.getId() + " terminated", CLOSE_TIMEOUT, () -> !last.isActive());
         }
      } finally {
         EndpointManager.INS.remove(entity.getId());
      }
   }

   /**
    * Last business handler of the pipeline: answers and records DELIVERs (SMSGate leaves DELIVER_RESP
    * to the application) and, once logged in, puts the ACTIVE_TEST counter next to the codec, where it
    * sees the probes before SMSGate's own handlers answer and swallow them.
    */
   @ChannelHandler.Sharable
   private final class Recorder extends AbstractBusinessHandler {

      @Override
      public String name() {
         return RECORDER;
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
         if (event == SessionState.Connect) {
            ctx.pipeline().addAfter(GlobalConstance.codecName, COUNTER, new ActiveTestCounter());
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
            everyDeliver.add(deliver);
            delivers.add(deliver);
         } else {
            ctx.fireChannelRead(msg);
         }
      }
   }

   /** Counts ACTIVE_TEST and ACTIVE_TEST_RESP in both directions. */
   private final class ActiveTestCounter extends ChannelDuplexHandler {

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
         if (msg instanceof CmppActiveTestRequestMessage) {
            probesFromGateway.incrementAndGet();
         } else if (msg instanceof CmppActiveTestResponseMessage) {
            probesAnsweredByGateway.incrementAndGet();
         }
         ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
         if (msg instanceof CmppActiveTestRequestMessage) {
            probesFromSp.incrementAndGet();
         } else if (msg instanceof CmppActiveTestResponseMessage) {
            probesAnsweredBySp.incrementAndGet();
         }
         ctx.write(msg, promise);
      }
   }
}
