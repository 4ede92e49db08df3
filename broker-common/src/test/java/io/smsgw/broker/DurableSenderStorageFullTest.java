package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.DefaultEventLoop;
import io.smsgw.broker.testing.Wait;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
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
   private static final String MO = "sms.mo";
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
         .addAddressSetting(DR, new AddressSettings().setMaxSizeBytes(16 * 1024).setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP))
         .addQueueConfiguration(QueueConfiguration.of(MO).setAddress(MO).setRoutingType(RoutingType.ANYCAST))
         .addAddressSetting(MO, new AddressSettings().setMaxSizeBytes(16 * 1024).setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
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
      // The other test fills sms.dr and empties it at its end; the store's size follows the deletes a moment later.
      server.locateQueue(SimpleString.of(DR)).deleteAllReferences();
      var drStore = server.getPagingManager().getPageStore(SimpleString.of(DR));
      Wait.until("sms.dr empty", Duration.ofSeconds(30), () -> drStore.getAddressSize() == 0);
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
            } catch (ActiveMQException e) {
               assertEquals(ActiveMQExceptionType.ADDRESS_FULL, e.getType(), e.toString());
               int reported = i - 1;
               Wait.until("the sends before the full one reported", Duration.ofSeconds(30), () -> durable.get() == reported);
               assertTrue(reported > 0);
               // The queue counts a stored message once its executor has taken it in, a moment after the durable callback.
               Wait.until("every message reported durable is stored", Duration.ofSeconds(10),
                          () -> server.locateQueue(SimpleString.of(DR)).getMessageCount() == reported);
               return;
            }
         }
         Wait.until("all reported", Duration.ofSeconds(30), () -> durable.get() == MAX_SENDS);
         fail(MAX_SENDS + " sends reported durable into 16 KiB; " + server.locateQueue(SimpleString.of(DR)).getMessageCount() + " stored");
      } finally {
         link.session().close(false);
      }
   }

   /**
    * A link sends from its event loop and from its correlation store's expiry thread. The store and cause of a refusal
    * were fields of the sender that each refusal overwrote, so a refusal read them after another thread's refusal had
    * changed them: a report refused by a full sms.dr was said to be refused by sms.mo. Now each refusal carries its own.
    */
   @Test
   void refusalsOnTwoThreadsEachNameTheirOwnStore() throws Exception {
      ActiveMQServer server = embedded.getActiveMQServer();
      fill(server, DR);
      fill(server, MO);
      LinkBrokerSession link = LinkBrokerSession.open(server, loop.next(), "u", "u", "TEST", "test-", "test-",
                                                      SimpleString.of("sms.link.u"), callback());
      try {
         java.util.concurrent.ConcurrentLinkedQueue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
         java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
         Thread[] threads = new Thread[2];
         String[] addresses = {DR, MO};
         for (int t = 0; t < 2; t++) {
            String address = addresses[t];
            threads[t] = new Thread(() -> {
               try {
                  start.await();
                  for (int i = 0; i < 20_000 && wrong.size() < 10; i++) {
                     CoreMessage message = new CoreMessage(server.getStorageManager().generateID(), 256);
                     message.setAddress(address);
                     message.setDurable(true);
                     try {
                        link.sender().send(List.of(message), new IOCallback() {
                           @Override
                           public void done() {
                           }

                           @Override
                           public void onError(int errorCode, String errorMessage) {
                           }
                        });
                        wrong.add("a send to " + address + " was not refused");
                     } catch (ActiveMQException e) {
                        if (!e.getMessage().endsWith(" for " + address)) {
                           wrong.add("a send to " + address + " refused as: " + e.getMessage());
                        }
                     }
                  }
               } catch (Exception e) {
                  wrong.add(e.toString());
               }
            }, "sender-" + address);
            threads[t].start();
         }
         start.countDown();
         for (Thread thread : threads) {
            thread.join(60_000);
         }
         assertEquals(List.of(), List.copyOf(wrong), "each refusal names the store that refused it");
      } finally {
         link.session().close(false);
         server.locateQueue(SimpleString.of(DR)).deleteAllReferences();
         server.locateQueue(SimpleString.of(MO)).deleteAllReferences();
      }
   }

   /** Sends to {@code address} (DROP) from a session of its own until the broker drops one: the address is full. */
   private static void fill(ActiveMQServer server, String address) throws Exception {
      LinkBrokerSession filler = LinkBrokerSession.open(server, loop.next(), "f", "f", "TEST", "test-", "test-",
                                                        SimpleString.of("sms.link.f"), callback());
      try {
         for (int i = 0; i < MAX_SENDS; i++) {
            CoreMessage message = new CoreMessage(server.getStorageManager().generateID(), 512);
            message.setAddress(address);
            message.setDurable(true);
            message.putStringProperty("smsId", "filler " + i);
            try {
               filler.sender().send(List.of(message), new IOCallback() {
                  @Override
                  public void done() {
                  }

                  @Override
                  public void onError(int errorCode, String errorMessage) {
                  }
               });
            } catch (ActiveMQException e) {
               return;
            }
         }
         fail(address + " never filled");
      } finally {
         filler.session().close(false);
      }
   }

   private static SessionCallback callback() {
      return (SessionCallback) Proxy.newProxyInstance(DurableSenderStorageFullTest.class.getClassLoader(),
         new Class<?>[] {SessionCallback.class}, (proxy, method, args) -> {
            Class<?> type = method.getReturnType();
            return type == boolean.class ? Boolean.FALSE : type == int.class ? 0 : type == long.class ? 0L : null;
         });
   }
}
