package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.DefaultEventLoop;
import io.smsgw.broker.testing.Wait;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own senders (SMSC and FWD links: receipts, MO, reports) never report a message durable that the broker
 * dropped because its address was full (address-full-policy DROP): the send fails, so the link answers the SMSC with an
 * error and keeps the receipt's correlation record, instead of answering OK and losing the report.
 */
class DurableSenderStorageFullTest {

   private static final String DR = "sms.dr";
   private static final int MAX_SENDS = 400;

   @TempDir
   static Path dataDir;
   static EmbeddedActiveMQ embedded;
   static DefaultEventLoop loop;

   @BeforeAll
   static void start() throws Exception {
      Configuration cfg = new ConfigurationImpl().setPersistenceEnabled(true).setSecurityEnabled(false)
         .setJMXManagementEnabled(false)
         .setJournalDirectory(dataDir.resolve("journal").toString())
         .setBindingsDirectory(dataDir.resolve("bindings").toString())
         .setPagingDirectory(dataDir.resolve("paging").toString())
         .setLargeMessagesDirectory(dataDir.resolve("large").toString())
         .addQueueConfiguration(QueueConfiguration.of(DR).setAddress(DR).setRoutingType(RoutingType.ANYCAST))
         .addAddressSetting(DR, new AddressSettings().setMaxSizeBytes(16 * 1024).setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
      embedded = new EmbeddedActiveMQ().setConfiguration(cfg);
      embedded.start();
      loop = new DefaultEventLoop();
   }

   @AfterAll
   static void stop() throws Exception {
      embedded.stop();
      loop.shutdownGracefully();
   }

   @Test
   void aMessageDroppedByAFullAddressFailsTheSendInsteadOfBeingReportedDurable() throws Exception {
      ActiveMQServer server = embedded.getActiveMQServer();
      SessionCallback callback = (SessionCallback) Proxy.newProxyInstance(getClass().getClassLoader(),
         new Class<?>[] {SessionCallback.class}, (proxy, method, args) -> {
            Class<?> type = method.getReturnType();
            return type == boolean.class ? Boolean.FALSE : type == int.class ? 0 : type == long.class ? 0L : null;
         });
      LinkBrokerSession link = LinkBrokerSession.open(server, loop.next(), "t", "t", "TEST", "test-", "test-",
                                                      SimpleString.of("sms.link.t"), callback);
      AtomicInteger durable = new AtomicInteger();
      try {
         for (int i = 1; i <= MAX_SENDS; i++) {
            CoreMessage report = new CoreMessage(server.getStorageManager().generateID(), 512);
            report.setAddress(DR);
            report.setDurable(true);
            report.putStringProperty("smsId", "report " + i);
            try {
               link.sender().send(List.of(report), new IOCallback() {
                  @Override
                  public void done() {
                     durable.incrementAndGet();
                  }

                  @Override
                  public void onError(int errorCode, String errorMessage) {
                  }
               });
            } catch (ActiveMQAddressFullException e) {
               int reported = i - 1;
               Wait.until("the sends before the full one reported", Duration.ofSeconds(30), () -> durable.get() == reported);
               assertTrue(reported > 0);
               // The queue counts a stored message once its executor has taken it in, a moment after the durable callback.
               Wait.until("every message reported durable is stored", Duration.ofSeconds(10),
                          () -> server.locateQueue(SimpleString.of(DR)).getMessageCount() == reported);
               assertInstanceOf(ActiveMQAddressFullException.class, e);
               return;
            }
         }
         Wait.until("all reported", Duration.ofSeconds(30), () -> durable.get() == MAX_SENDS);
         fail(MAX_SENDS + " sends reported durable into 16 KiB; " + server.locateQueue(SimpleString.of(DR)).getMessageCount() + " stored");
      } finally {
         link.session().close(false);
      }
   }
}
