package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * What a datagram socket does and does not promise: U-06 (a datagram larger than the buffer is
 * cut short without an error), U-03 (boundaries are kept), U-02 (nothing confirms delivery; a
 * connected socket can hear "port unreachable"; broadcast needs permission), U-04 (an unclosed
 * socket holds a descriptor).
 */
@Timeout(30)
class DatagramTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static int closedUdpPort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void a_datagram_larger_than_the_packet_buffer_is_cut_short_without_an_error() throws IOException {
            try (DatagramSocket receiver = new DatagramSocket(0, LOOPBACK); DatagramSocket sender = new DatagramSocket()) {
                sender.send(new DatagramPacket(new byte[9000], 9000, receiver.getLocalSocketAddress()));
                DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
                receiver.receive(packet);
                assertThat(packet.getLength()).isEqualTo(8192);
            }
        }

        @Test
        void a_datagram_channel_cuts_it_short_too() throws IOException {
            try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                 DatagramSocket sender = new DatagramSocket()) {
                sender.send(new DatagramPacket(new byte[9000], 9000, receiver.getLocalAddress()));
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                assertThat(receiver.receive(buffer)).isNotNull();
                assertThat(buffer.position()).isEqualTo(8192);
            }
        }

        @Test
        void an_unconnected_send_to_a_port_with_no_listener_succeeds() throws IOException {
            try (DatagramSocket sender = new DatagramSocket()) {
                // Nothing confirms, nothing complains: send() returns normally although nobody
                // listens, and the socket is as good as before (the ICMP "port unreachable" that
                // comes back is dropped for an unconnected socket, U-02).
                assertThatCode(() -> sender.send(new DatagramPacket(new byte[] {1}, 1,
                        new InetSocketAddress(LOOPBACK, closedUdpPort())))).doesNotThrowAnyException();
                assertThatCode(() -> sender.send(new DatagramPacket(new byte[] {2}, 1,
                        new InetSocketAddress(LOOPBACK, closedUdpPort())))).doesNotThrowAnyException();
                assertThat(sender.isClosed()).isFalse();
            }
        }

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "descriptors are counted in /proc/self/fd")
        void sockets_that_are_never_closed_each_keep_a_descriptor() throws IOException {
            List<DatagramSocket> leaked = new ArrayList<>(); // referenced, so no cleaner can close them
            long before = openDescriptors();
            try {
                for (int i = 0; i < 100; i++) {
                    DatagramSocket s = new DatagramSocket();
                    s.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(LOOPBACK, 9)));
                    leaked.add(s); // "no need to close a UDP socket"
                }
                assertThat(openDescriptors() - before).isGreaterThanOrEqualTo(100);
            } finally {
                leaked.forEach(DatagramSocket::close);
            }
        }

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "127.255.255.255 is the loopback broadcast address on Linux")
        void sending_to_a_broadcast_address_without_so_broadcast_fails() throws IOException {
            try (DatagramChannel sender = DatagramChannel.open()) {
                assertThat(sender.getOption(java.net.StandardSocketOptions.SO_BROADCAST)).isFalse(); // a channel's default
                assertThatThrownBy(() -> sender.send(ByteBuffer.wrap(new byte[] {1}),
                        new InetSocketAddress("127.255.255.255", closedUdpPort()))).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    @Tag("fix")
    void java_net_datagram_socket_turns_so_broadcast_on_by_default_where_a_channel_does_not() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(); DatagramChannel channel = DatagramChannel.open()) {
            assertThat(socket.getBroadcast()).isTrue();
            assertThat(channel.getOption(java.net.StandardSocketOptions.SO_BROADCAST)).isFalse();
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void a_buffer_one_byte_over_the_limit_reports_the_oversized_datagram() throws IOException {
            try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                 DatagramSocket sender = new DatagramSocket()) {
                sender.send(new DatagramPacket(new byte[9000], 9000, receiver.getLocalAddress()));
                sender.send(new DatagramPacket(new byte[8192], 8192, receiver.getLocalAddress()));
                ByteBuffer buffer = ByteBuffer.allocate(8193);

                Datagrams.Received tooBig = Datagrams.receive(receiver, buffer, 8192);
                Datagrams.Received justFits = Datagrams.receive(receiver, buffer, 8192);

                assertThat(tooBig.tooLarge()).isTrue();
                assertThat(justFits.tooLarge()).isFalse();
                assertThat(justFits.payload()).hasSize(8192);
            }
        }

        @Test
        void two_sends_are_two_receives_never_merged_unlike_tcp() throws IOException {
            try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                 DatagramSocket sender = new DatagramSocket()) {
                for (String s : new String[] {"A", "B"}) {
                    sender.send(new DatagramPacket(s.getBytes(StandardCharsets.US_ASCII), 1, receiver.getLocalAddress()));
                }
                ByteBuffer buffer = ByteBuffer.allocate(100);
                assertThat(new String(Datagrams.receive(receiver, buffer, 99).payload(), StandardCharsets.US_ASCII)).isEqualTo("A");
                assertThat(new String(Datagrams.receive(receiver, buffer, 99).payload(), StandardCharsets.US_ASCII)).isEqualTo("B");
            }
        }

        @Test
        void a_connected_channel_hears_that_nothing_listens() throws IOException {
            try (DatagramChannel channel = DatagramChannel.open().connect(new InetSocketAddress(LOOPBACK, closedUdpPort()))) {
                channel.write(ByteBuffer.wrap(new byte[] {1}));
                // The ICMP "port unreachable" comes back and is reported on the next read.
                assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(16))).isInstanceOf(PortUnreachableException.class);
            }
        }

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "descriptors are counted in /proc/self/fd")
        void closing_each_socket_gives_its_descriptor_back() throws IOException {
            long before = openDescriptors();
            for (int i = 0; i < 100; i++) {
                try (DatagramSocket s = new DatagramSocket()) {
                    s.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(LOOPBACK, 9)));
                }
            }
            assertThat(openDescriptors() - before).isLessThan(10);
        }

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "127.255.255.255 is the loopback broadcast address on Linux")
        void with_so_broadcast_a_receiver_on_the_wildcard_address_gets_the_broadcast() throws IOException {
            try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(0)); DatagramChannel sender = DatagramChannel.open()) {
                receiver.setSoTimeout(10_000);
                sender.setOption(java.net.StandardSocketOptions.SO_BROADCAST, true);
                sender.send(ByteBuffer.wrap("all".getBytes(StandardCharsets.US_ASCII)),
                        new InetSocketAddress("127.255.255.255", receiver.getLocalPort()));
                DatagramPacket packet = new DatagramPacket(new byte[16], 16);
                receiver.receive(packet);
                assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII)).isEqualTo("all");
            }
        }
    }
}
