package sockets.select;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The load harness's Java yardstick: a minimal Netty echo server shaped like Netty's own echo
 * example (a handler that writes back every buffer it is given and flushes when a read pass
 * ends), on Netty's NIO transport, so it goes through the same kernel interface (epoll through
 * the JDK's selector) as {@link SelectEchoServer}. Netty's defaults are left alone: adaptive read
 * buffer sizes, up to 16 reads per wake-up, gathering writes, TCP_NODELAY on.
 *
 * <p>Not part of the lesson: the harness runs it from source with Netty on the class path
 * ({@code -Pload}). Usage: {@code NettyEchoServer PORT}; it listens on 127.0.0.1 until killed.
 */
public final class NettyEchoServer {

    /** One instance serves every connection: it keeps no state. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg); // queued in the channel's outbound buffer, not yet sent
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // the read pass is over: send what it queued, in one gathering write if it can
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset from the load generator at the end of a run is expected
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            Echo echo = new Echo();
            Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(echo).bind("127.0.0.1", port).sync().channel();
            System.out.println("listening on 127.0.0.1:" + port);
            listener.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
