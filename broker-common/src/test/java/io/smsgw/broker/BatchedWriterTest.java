package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.smsgw.broker.testing.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writes from other threads reach the peer complete and in order, with one flush per batch. */
class BatchedWriterTest {

   private final EventLoopGroup group = new DefaultEventLoopGroup(1);
   private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
   private final AtomicInteger flushes = new AtomicInteger();
   private Channel server;
   private Channel client;

   @BeforeEach
   void connect() throws Exception {
      LocalAddress address = new LocalAddress("batched-writer-" + System.nanoTime());
      server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
         .childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
               received.add(msg);
            }
         }).bind(address).sync().channel();
      client = new Bootstrap().group(group).channel(LocalChannel.class)
         .handler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel channel) {
               channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                  @Override
                  public void flush(ChannelHandlerContext ctx) {
                     flushes.incrementAndGet();
                     ctx.flush();
                  }
               });
            }
         }).connect(address).sync().channel();
   }

   @AfterEach
   void close() {
      client.close().syncUninterruptibly();
      server.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
   }

   @Test
   void aBurstFromAnotherThreadArrivesInOrderWithOneFlush() throws Exception {
      BatchedWriter writer = new BatchedWriter(client);
      // Hold the event loop so the whole burst is queued before the drain task can run.
      CountDownLatch release = new CountDownLatch(1);
      client.eventLoop().execute(() -> {
         try {
            release.await(10, TimeUnit.SECONDS);
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
      });
      int before = flushes.get();
      for (int i = 0; i < 100; i++) {
         writer.write("pdu-" + i);
      }
      release.countDown();

      List<Object> got = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
         got.add(received.poll(10, TimeUnit.SECONDS));
      }
      for (int i = 0; i < 100; i++) {
         assertEquals("pdu-" + i, got.get(i));
      }
      assertEquals(1, flushes.get() - before);
   }

   @Test
   void writesOnTheEventLoopAreFlushedAtOnce() throws Exception {
      BatchedWriter writer = new BatchedWriter(client);
      int before = flushes.get();

      client.eventLoop().submit(() -> writer.write("direct")).sync();

      assertEquals("direct", received.poll(10, TimeUnit.SECONDS));
      assertEquals(1, flushes.get() - before);
   }

   @Test
   void aWriteOnTheEventLoopDoesNotOvertakeWritesQueuedBeforeIt() throws Exception {
      // A storage callback can run on a journal thread (its answer queued) or, when nothing else is pending, inline on
      // the event loop: the inline answer must not go out before the ones queued earlier.
      BatchedWriter writer = new BatchedWriter(client);
      CountDownLatch queuedFirst = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      client.eventLoop().execute(() -> {
         try {
            release.await(10, TimeUnit.SECONDS); // the queued writes' drain task waits behind this one
            writer.write("third, on the event loop");
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
      });
      Thread other = new Thread(() -> {
         writer.write("first, queued");
         writer.write("second, queued");
         queuedFirst.countDown();
      });
      other.start();
      queuedFirst.await(10, TimeUnit.SECONDS);
      release.countDown();

      assertEquals("first, queued", received.poll(10, TimeUnit.SECONDS));
      assertEquals("second, queued", received.poll(10, TimeUnit.SECONDS));
      assertEquals("third, on the event loop", received.poll(10, TimeUnit.SECONDS));
   }

   @Test
   void writesQueuedWhileADrainRunsAreNotLeftBehind() throws Exception {
      BatchedWriter writer = new BatchedWriter(client);
      Thread[] writers = new Thread[4];
      for (int t = 0; t < writers.length; t++) {
         int base = t * 1_000;
         writers[t] = new Thread(() -> {
            for (int i = 0; i < 1_000; i++) {
               writer.write(base + i);
            }
         });
         writers[t].start();
      }
      for (Thread thread : writers) {
         thread.join();
      }

      int[] lastPerWriter = {-1, 999, 1_999, 2_999};
      for (int i = 0; i < 4_000; i++) {
         int value = (Integer) received.poll(10, TimeUnit.SECONDS);
         int writerIndex = value / 1_000;
         int expected = lastPerWriter[writerIndex] + 1;
         assertEquals(expected, value, "order of one writer's PDUs");
         lastPerWriter[writerIndex] = value;
      }
   }

   @Test
   void deliveriesNotWrittenWhenTheyStopAreReleasedAndAnswersStillGo() throws Exception {
      BatchedWriter writer = new BatchedWriter(client);
      ByteBuf queuedBefore = Unpooled.copiedBuffer(new byte[] {1});
      ByteBuf givenAfter = Unpooled.copiedBuffer(new byte[] {2});
      CountDownLatch queued = new CountDownLatch(1);
      // The event loop stops deliveries while one is queued, as a session reading an unbind does.
      client.eventLoop().execute(() -> {
         try {
            queued.await(10, TimeUnit.SECONDS);
         } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
         }
         writer.stopDeliveries();
      });
      writer.writeDelivery(queuedBefore);
      writer.write("answer");
      queued.countDown();
      assertEquals("answer", received.poll(10, TimeUnit.SECONDS));

      writer.writeDelivery(givenAfter);
      client.eventLoop().submit(() -> writer.writeDelivery(Unpooled.copiedBuffer(new byte[] {3}))).sync();
      writer.write("last answer");
      assertEquals("last answer", received.poll(10, TimeUnit.SECONDS), "no delivery written after the stop");
      assertEquals(0, queuedBefore.refCnt(), "released");
      Wait.until("the delivery given after the stop released", java.time.Duration.ofSeconds(10), () -> givenAfter.refCnt() == 0);
   }
}
