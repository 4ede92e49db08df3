package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppDeliverResponseMessage;
import com.zx.sms.common.util.CachedMillisecondClock;
import com.zx.sms.connect.manager.EndpointManager;
import com.zx.sms.connect.manager.cmpp.CMPPClientEndpointEntity;
import com.zx.sms.handler.api.AbstractBusinessHandler;
import com.zx.sms.handler.api.BusinessHandlerInterface;
import com.zx.sms.session.cmpp.SessionState;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the shipped broker.xml's redelivery settings for {@code sms.#} (1 s, doubling), the MO an SP left unanswered
 * come again in their order, before the MO that were still waiting, when the SP (SMSGate, a third-party CMPP client)
 * connects again, whether it dropped the connection or ended it with TERMINATE. Before, Artemis gave the messages the
 * session's close put back the address's redelivery delay: the SP got MO 17..20 first.
 */
class CmppRedeliveryOrderAfterReconnectTest {

   private static final Duration TIMEOUT = Duration.ofSeconds(15);
   private static final String SP = "901234";
   private static final int QUEUED = 20;
   /** The acceptor's cmppWindowSize (its default). */
   private static final int WINDOW = 16;

   @TempDir
   Path dir;

   private final List<String> endpoints = new ArrayList<>();

   @AfterEach
   void forgetEndpoints() {
      endpoints.forEach(EndpointManager.INS::remove);
   }

   /** The shipped broker.xml's sms.# redelivery settings. */
   private static void shippedRedelivery(Configuration cfg) {
      cfg.getAddressSettings().get("sms.#").setRedeliveryDelay(1000).setRedeliveryMultiplier(2)
         .setMaxRedeliveryDelay(300_000).setMaxDeliveryAttempts(200);
   }

   /** An SMSGate SP that records the text of every DELIVER and answers them only once told to. */
   @ChannelHandler.Sharable
   private static final class Sp extends AbstractBusinessHandler {
      final List<String> received = new CopyOnWriteArrayList<>();
      final CMPPClientEndpointEntity entity = new CMPPClientEndpointEntity();
      volatile boolean answering;
      volatile Channel channel;
      private long lastLoginSecond = -1;

      Sp(String id, int port) {
         entity.setId(id);
         entity.setHost("127.0.0.1");
         entity.setPort(port);
         entity.setUserName(SP);
         entity.setPassword("secret");
         entity.setSpCode("1065712345");
         entity.setVersion((short) 0x30);
         entity.setMaxChannels((short) 1);
         entity.setWindow(16);
         entity.setIdleTimeSec((short) 60);
         entity.setBusinessHandlerSet(List.<BusinessHandlerInterface>of(this));
      }

      @Override
      public String name() {
         return "order-recorder";
      }

      /**
       * Logs in. SMSGate takes CONNECT's Timestamp from a clock moved on once a second, and the gateway refuses a
       * second CONNECT with the same Timestamp as a replay: a login waits for the clock to pass the last one's second.
       */
      void connect() {
         long previous = lastLoginSecond;
         Wait.until("SMSGate's clock past the second of the last login", TIMEOUT,
                    () -> CachedMillisecondClock.INS.now() / 1000 > previous);
         channel = null;
         EndpointManager.INS.openEndpoint(entity);
         Wait.until("SMSGate logged in", TIMEOUT, () -> channel != null && channel.isActive());
         lastLoginSecond = CachedMillisecondClock.INS.now() / 1000;
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
            received.add(deliver.getMsgContent());
            if (answering) {
               CmppDeliverResponseMessage response = new CmppDeliverResponseMessage(deliver.getHeader().getSequenceId());
               response.setMsgId(deliver.getMsgId());
               response.setResult(0);
               ctx.writeAndFlush(response);
            }
         } else {
            ctx.fireChannelRead(msg);
         }
      }
   }

   private static void sendMo(Connection jms, String text) throws Exception {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(SP)))) {
         TextMessage message = session.createTextMessage(text);
         message.setStringProperty("smsKind", "MO");
         message.setStringProperty("smsSource", "13800138005");
         message.setStringProperty("smsDestination", "1065712345");
         producer.send(message);
      }
   }

   private static List<String> mo(int from, int to) {
      return IntStream.rangeClosed(from, to).mapToObj(i -> "MO" + i).toList();
   }

   /**
    * Sends 20 MO, lets the SP read a window of them unanswered, ends its session with {@code end}, connects it again
    * answering everything, and returns what came on the second session.
    */
   private List<String> secondSessionAfter(String test, java.util.function.Consumer<Sp> end) throws Exception {
      String queue = SmsAddresses.accountQueue(SP);
      try (TestBroker broker = TestBroker.cmpp(dir, "").configure(CmppRedeliveryOrderAfterReconnectTest::shippedRedelivery).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         for (String text : mo(1, QUEUED)) {
            sendMo(jms, text);
         }
         Sp sp = new Sp("order-" + test, broker.port());
         endpoints.add(sp.entity.getId());
         sp.connect();
         Wait.until("a window of DELIVERs", TIMEOUT, () -> sp.received.size() == WINDOW);
         assertEquals(mo(1, WINDOW), sp.received, "the first window, unanswered");

         end.accept(sp);
         Wait.until("the session closed and its DELIVERs back on the queue", TIMEOUT,
                    () -> broker.consumerCount(queue) == 0 && broker.messageCount(queue) == QUEUED);

         sp.received.clear();
         sp.answering = true;
         sp.connect();
         Wait.until("every MO delivered again", TIMEOUT, () -> sp.received.size() >= QUEUED);
         Wait.until("every MO acknowledged", TIMEOUT, () -> broker.messageCount(queue) == 0);
         return List.copyOf(sp.received);
      }
   }

   @Test
   void unansweredDeliversComeAgainFirstAndInOrderAfterTheSpDropsTheConnection() throws Exception {
      List<String> second = secondSessionAfter("drop", sp -> sp.channel.close());
      assertEquals(mo(1, QUEUED), second, "MO 1..16 again before 17..20");
   }

   @Test
   void unansweredDeliversComeAgainFirstAndInOrderAfterTheSpEndsItsSessionWithTerminate() throws Exception {
      List<String> second = secondSessionAfter("terminate", sp -> {
         Channel link = sp.channel;
         link.writeAndFlush(new com.zx.sms.codec.cmpp.msg.CmppTerminateRequestMessage());
         Wait.until("the gateway closed the connection after TERMINATE", TIMEOUT, () -> !link.isActive());
      });
      assertEquals(mo(1, QUEUED), second, "MO 1..16 again before 17..20");
   }
}
