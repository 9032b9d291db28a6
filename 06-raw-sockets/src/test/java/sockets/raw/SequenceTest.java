package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sockets.raw.Capture.Packet;
import sockets.raw.Sequence.Arrow;
import sockets.raw.Sequence.Note;

/**
 * The rules that turn frames into a picture, on synthetic frames: what is drawn, what is left out
 * (retransmissions, pure acknowledgements), how a late copy fills a hole, and the two ways out
 * (Mermaid for a README, text for a terminal). No privilege needed.
 */
@Tag("fix")
class SequenceTest {

    private static final String CLIENT = "127.0.0.1";
    private static final int CLIENT_PORT = 40_000;
    private static final String SERVER = "127.0.0.1";
    private static final int SERVER_PORT = 5001;
    private static final int SYN = Packet.SYN;
    private static final int ACK = Packet.ACK;
    private static final int FIN = Packet.FIN;
    private static final int RST = Packet.RST;
    private static final int PSH = Packet.PSH;

    /** Who is who, by port: the way the pictures name their participants. */
    private static final Sequence.Naming BY_PORT = p -> p.sourcePort() == SERVER_PORT ? new String[] {"S", "C"}
            : p.destinationPort() == SERVER_PORT ? new String[] {"C", "S"} : null;

    private static Sequence picture() {
        return new Sequence(BY_PORT).participant("C", "client").participant("S", "server");
    }

    /** A segment from the client (toServer) or the server, with the window the sender announces. */
    private static Packet tcp(boolean toServer, int flags, long sequence, int window, int payload) {
        return toServer
                ? new Packet("TCP", Ethernet.IPV4, 54 + payload, CLIENT, CLIENT_PORT, SERVER, SERVER_PORT, flags, sequence, 0,
                        window, payload, -1)
                : new Packet("TCP", Ethernet.IPV4, 54 + payload, SERVER, SERVER_PORT, CLIENT, CLIENT_PORT, flags, sequence, 0,
                        window, payload, -1);
    }

    private static Packet tcp(boolean toServer, int flags, long sequence, int payload) {
        return tcp(toServer, flags, sequence, 65_000, payload);
    }

    private static String label(Arrow a) {
        return a == null ? null : a.label();
    }

    /** The three steps of the handshake: client's SYN at 100, server's at 500. */
    private static Sequence connected() {
        Sequence s = picture();
        s.add(tcp(true, SYN, 100, 0));
        s.add(tcp(false, SYN | ACK, 500, 0));
        s.add(tcp(true, ACK, 101, 0));
        return s;
    }

    private static List<String> labels(Sequence s) {
        return s.steps().stream().map(step -> switch (step) {
            case Arrow a -> a.from() + ">" + a.to() + " " + a.label() + (a.reset() ? " x" : "");
            case Note n -> "note " + n.over() + " " + n.text();
        }).toList();
    }

    @Test
    void the_handshake_is_drawn_with_its_last_acknowledgement_and_later_pure_acknowledgements_are_left_out() {
        Sequence s = picture();
        assertThat(label(s.add(tcp(true, SYN, 100, 0)))).isEqualTo("SYN");
        assertThat(label(s.add(tcp(false, SYN | ACK, 500, 0)))).isEqualTo("SYN, ACK");
        assertThat(label(s.add(tcp(true, ACK, 101, 0)))).isEqualTo("ACK");
        assertThat(s.add(tcp(true, ACK, 101, 0))).as("a second pure ACK").isNull();
        assertThat(s.add(tcp(false, ACK, 501, 0))).as("the server's pure ACK").isNull();
        assertThat(labels(s)).containsExactly("C>S SYN", "S>C SYN, ACK", "C>S ACK");
    }

    @Test
    void a_pure_acknowledgement_before_the_other_side_sent_its_syn_is_not_the_handshake() {
        Sequence s = picture();
        s.add(tcp(true, SYN, 100, 0));
        assertThat(s.add(tcp(true, ACK, 101, 0))).isNull();
    }

    @Test
    void when_data_acknowledges_the_handshake_a_later_pure_acknowledgement_is_not_drawn_as_its_last_step() {
        Sequence s = picture();
        s.add(tcp(true, SYN, 100, 0));
        s.add(tcp(false, SYN | ACK, 500, 0));
        assertThat(label(s.add(tcp(true, PSH | ACK, 101, 6)))).isEqualTo("PSH 6 bytes");
        assertThat(s.add(tcp(true, ACK, 107, 0))).isNull();
    }

    @Test
    void data_is_labelled_with_its_size_and_psh_and_sizes_are_written_for_people() {
        Sequence s = connected();
        assertThat(label(s.add(tcp(true, PSH | ACK, 101, 6)))).isEqualTo("PSH 6 bytes");
        assertThat(label(s.add(tcp(true, ACK, 107, 1)))).isEqualTo("1 byte");
        assertThat(label(s.add(tcp(false, ACK, 501, 9000)))).isEqualTo("9,000 bytes");
        assertThat(Sequence.bytes(0)).isEqualTo("0 bytes");
        assertThat(Sequence.bytes(1)).isEqualTo("1 byte");
        assertThat(Sequence.bytes(2)).isEqualTo("2 bytes");
        assertThat(Sequence.bytes(1_234_567)).isEqualTo("1,234,567 bytes");
    }

    @Test
    void a_retransmission_whose_bytes_were_all_drawn_is_left_out_and_one_with_new_bytes_is_drawn() {
        Sequence s = connected();
        s.add(tcp(true, PSH | ACK, 101, 6));
        assertThat(s.add(tcp(true, PSH | ACK, 101, 6))).as("the same six bytes again").isNull();
        assertThat(s.add(tcp(true, PSH | ACK, 103, 4))).as("a tail of them").isNull();
        assertThat(label(s.add(tcp(true, PSH | ACK, 101, 10)))).as("four new bytes on top").isEqualTo("PSH 10 bytes");
        assertThat(s.missed()).isZero();
    }

    @Test
    void a_fin_is_drawn_once_with_any_data_it_carries_and_its_retransmission_is_left_out() {
        Sequence s = connected();
        assertThat(label(s.add(tcp(true, FIN | PSH | ACK, 101, 6)))).isEqualTo("FIN, PSH 6 bytes");
        assertThat(s.add(tcp(true, FIN | PSH | ACK, 101, 6))).isNull();
        assertThat(label(s.add(tcp(false, FIN | ACK, 501, 0)))).isEqualTo("FIN");
        assertThat(s.add(tcp(false, FIN | ACK, 501, 0))).isNull();
        assertThat(s.add(tcp(true, ACK, 108, 0))).as("the last ACK of the close").isNull();
    }

    @Test
    void a_reset_is_drawn_with_a_cross_and_never_as_a_window_change() {
        Sequence s = connected();
        Arrow reset = s.add(tcp(false, RST | ACK, 501, 0, 0));
        assertThat(reset.label()).isEqualTo("RST");
        assertThat(reset.reset()).isTrue();
        assertThat(s.add(tcp(true, PSH | ACK, 101, 6)).reset()).isFalse();
        assertThat(s.mermaid()).contains("    S-xC: RST\n").contains("    C->>S: PSH 6 bytes\n");
    }

    @Test
    void a_window_that_closes_and_opens_again_is_drawn_once_each_way_even_on_a_pure_acknowledgement() {
        Sequence s = connected();
        s.add(tcp(false, PSH | ACK, 501, 4096));
        assertThat(label(s.add(tcp(true, ACK, 101, 0, 0)))).isEqualTo("ACK, window 0");
        assertThat(s.add(tcp(true, ACK, 101, 0, 0))).as("still closed").isNull();
        assertThat(label(s.add(tcp(true, ACK, 101, 4096, 0)))).isEqualTo("ACK, window opens");
        assertThat(s.add(tcp(true, ACK, 101, 8192, 0))).as("still open").isNull();
        assertThat(label(s.add(tcp(true, PSH | ACK, 101, 0, 5)))).as("data that closes it").isEqualTo("PSH 5 bytes, window 0");
    }

    @Test
    void only_a_segment_with_the_ack_flag_announces_a_window() {
        Sequence s = picture();
        assertThat(label(s.add(tcp(true, SYN, 100, 0, 0)))).isEqualTo("SYN");
        assertThat(label(s.add(tcp(false, SYN | ACK, 500, 0, 0)))).isEqualTo("SYN, ACK, window 0");
    }

    @Test
    void a_copy_captured_late_fills_the_hole_it_left_and_a_hole_left_open_counts_as_missed() {
        Sequence s = connected();
        assertThat(label(s.add(tcp(true, ACK, 111, 10)))).as("bytes 111-120 before 101-110").isEqualTo("10 bytes");
        assertThat(s.missed()).isEqualTo(1);
        assertThat(label(s.add(tcp(true, ACK, 101, 4)))).as("the first part of the hole").isEqualTo("4 bytes");
        assertThat(s.missed()).as("105-110 still missing").isEqualTo(1);
        assertThat(label(s.add(tcp(true, ACK, 107, 4)))).as("the last part").isEqualTo("4 bytes");
        assertThat(s.missed()).as("105-106 still missing").isEqualTo(1);
        assertThat(label(s.add(tcp(true, ACK, 105, 2)))).isEqualTo("2 bytes");
        assertThat(s.missed()).isZero();
        assertThat(s.add(tcp(true, ACK, 105, 2))).as("now a retransmission").isNull();
    }

    @Test
    void a_copy_that_fills_a_hole_exactly_at_its_edges_leaves_nothing_behind() {
        Sequence s = connected();
        s.add(tcp(true, ACK, 111, 10));
        assertThat(label(s.add(tcp(true, ACK, 101, 10)))).isEqualTo("10 bytes");
        assertThat(s.missed()).isZero();
    }

    @Test
    void a_segment_that_overlaps_a_hole_without_lying_inside_it_is_a_retransmission() {
        Sequence s = connected();
        s.add(tcp(true, ACK, 111, 10));  // hole 101-110
        assertThat(s.add(tcp(true, ACK, 109, 4))).as("109-112 reaches past the hole").isNull();
        assertThat(s.add(tcp(true, ACK, 99, 4))).as("99-102 starts before it").isNull();
        assertThat(s.missed()).isEqualTo(1);
    }

    @Test
    void sequence_numbers_that_wrap_past_two_to_the_32_are_followed() {
        Sequence s = picture();
        s.add(tcp(true, SYN, 0xFFFF_FFF0L, 0));
        s.add(tcp(false, SYN | ACK, 500, 0));
        assertThat(label(s.add(tcp(true, ACK, 0xFFFF_FFF1L, 20)))).isEqualTo("20 bytes"); // ends at 5
        assertThat(label(s.add(tcp(true, ACK, 5, 3)))).isEqualTo("3 bytes");
        assertThat(s.add(tcp(true, ACK, 0xFFFF_FFF1L, 20))).isNull();
        assertThat(s.missed()).isZero();
    }

    @Test
    void a_flow_whose_next_byte_is_number_zero_still_knows_a_retransmission() {
        Sequence s = picture();
        s.add(tcp(true, SYN, 0xFFFF_FFFEL, 0));
        assertThat(label(s.add(tcp(true, ACK, 0xFFFF_FFFFL, 1)))).isEqualTo("1 byte"); // the next byte is number 0
        assertThat(s.add(tcp(true, ACK, 0xFFFF_FFFFL, 1))).isNull();
    }

    @Test
    void a_new_syn_on_the_same_ports_starts_the_flow_again() {
        Sequence s = connected();
        s.add(tcp(true, ACK, 101, 50));
        assertThat(label(s.add(tcp(true, SYN, 20, 0)))).isEqualTo("SYN");
        assertThat(label(s.add(tcp(true, ACK, 21, 6)))).as("lower than before, but new").isEqualTo("6 bytes");
        assertThat(s.missed()).isZero();
    }

    @Test
    void frames_the_naming_leaves_out_are_not_drawn() {
        Sequence s = picture();
        Packet elsewhere = new Packet("TCP", Ethernet.IPV4, 60, "127.0.0.1", 1, "127.0.0.1", 2, SYN, 0, 0, 100, 0, -1);
        assertThat(s.add(elsewhere)).isNull();
        assertThat(s.steps()).isEmpty();
    }

    @Test
    void other_protocols_are_labelled_by_what_they_are_and_how_big() {
        Sequence s = new Sequence(p -> new String[] {"A", "B"});
        assertThat(label(s.add(new Packet("UDP", Ethernet.IPV4, 9042, "a", 1, "b", 2, 0, 0, 0, -1, 9000, -1))))
                .isEqualTo("UDP 9,000 bytes");
        assertThat(label(s.add(icmp(8)))).isEqualTo("ICMP echo request, 56 bytes");
        assertThat(label(s.add(icmp(0)))).isEqualTo("ICMP echo reply, 56 bytes");
        assertThat(label(s.add(icmp(3)))).isEqualTo("ICMP unreachable, 56 bytes");
        assertThat(label(s.add(icmp(11)))).isEqualTo("ICMP type 11, 56 bytes");
        assertThat(label(s.add(new Packet("ETH", 0x88B5, 60, "02:00:00:00:00:01", -1, "02:00:00:00:00:02", -1, 0, 0, 0, -1, 46, -1))))
                .isEqualTo("frame 0x88b5, 60 bytes");
        assertThat(label(s.add(new Packet("IPv6", 0x86DD, 94, "", -1, "", -1, 0, 0, 0, -1, 80, -1)))).isEqualTo("IPv6 80 bytes");
        assertThat(s.steps()).allSatisfy(step -> assertThat(((Arrow) step).reset()).isFalse());
        assertThat(s.missed()).isZero();
    }

    private static Packet icmp(int type) {
        return new Packet("ICMP", Ethernet.IPV4, 98, "127.0.0.1", -1, "127.0.0.1", -1, 0, 0, 0, -1, 56, type);
    }

    @Test
    void merged_data_is_one_arrow_per_direction_until_something_else_is_drawn() {
        Sequence s = connected().mergeData();
        s.add(tcp(false, ACK, 501, 4000));
        s.note("C", "reads nothing yet");
        Arrow merged = s.add(tcp(false, PSH | ACK, 4501, 4000));
        assertThat(merged.label()).isEqualTo("8,000 bytes");
        s.add(tcp(false, ACK, 8501, 4000));
        s.add(tcp(true, PSH | ACK, 101, 10)); // the other way: not merged with the server's bytes
        s.add(tcp(true, PSH | ACK, 111, 10));
        s.add(tcp(true, ACK, 121, 0, 0));     // a window change: the next data is an arrow of its own
        s.add(tcp(true, ACK, 121, 0, 10));
        s.add(tcp(true, FIN | ACK, 131, 0, 0));
        s.add(tcp(true, ACK, 132, 0, 5));     // after a FIN: an arrow of its own
        assertThat(labels(s)).containsExactly("C>S SYN", "S>C SYN, ACK", "C>S ACK", "S>C 12,000 bytes",
                "note C reads nothing yet", "C>S 20 bytes", "C>S ACK, window 0", "C>S 10 bytes", "C>S FIN",
                "C>S 5 bytes");
    }

    @Test
    void without_merging_every_data_segment_is_an_arrow_of_its_own() {
        Sequence s = connected();
        s.add(tcp(false, ACK, 501, 4000));
        s.add(tcp(false, ACK, 4501, 4000));
        assertThat(labels(s)).endsWith("S>C 4,000 bytes", "S>C 4,000 bytes");
    }

    @Test
    void merging_never_reaches_past_the_first_step() {
        Sequence s = new Sequence(BY_PORT).mergeData();
        s.note("C", "before anything");
        s.add(tcp(true, ACK, 1, 10)); // no SYN seen: drawn as it is
        assertThat(labels(s)).containsExactly("note C before anything", "C>S 10 bytes");
        Sequence first = new Sequence(BY_PORT).mergeData();
        first.add(tcp(true, ACK, 1, 10));
        first.add(tcp(true, ACK, 11, 10));
        assertThat(labels(first)).as("the very first step merges too").containsExactly("C>S 20 bytes");
    }

    @Test
    void the_mermaid_block_declares_the_participants_in_order_and_escapes_what_mermaid_would_misread() {
        Sequence s = connected();
        s.note("C", "read() returns 6 bytes; #1 of 2");
        s.add(tcp(false, RST, 501, 0));
        assertThat(s.mermaid()).isEqualTo("""
                sequenceDiagram
                    participant C as client
                    participant S as server
                    C->>S: SYN
                    S->>C: SYN, ACK
                    C->>S: ACK
                    Note over C: read() returns 6 bytes#59; #35;1 of 2
                    S-xC: RST
                """);
    }

    @Test
    void the_text_for_a_terminal_is_one_padded_line_per_step() {
        Sequence s = new Sequence(BY_PORT).participant("C", "client").participant("S", "a long server");
        s.add(tcp(true, SYN, 100, 0));
        s.add(tcp(false, RST | ACK, 0, 0));
        s.note("C", "connect() fails");
        assertThat(s.text()).isEqualTo("""
                client        → a long server  SYN
                a long server -x client         RST
                client          (connect() fails)
                """);
    }

    @Test
    void a_participant_without_a_name_is_shown_by_its_id_and_names_are_at_least_six_wide() {
        Sequence s = new Sequence(BY_PORT);
        s.add(tcp(true, SYN, 100, 0));
        assertThat(s.text()).isEqualTo("C      → S       SYN\n");
        assertThat(s.mermaid()).isEqualTo("sequenceDiagram\n    C->>S: SYN\n");
    }

    @Test
    void steps_are_a_copy_the_caller_cannot_change() {
        Sequence s = connected();
        List<Sequence.Step> steps = s.steps();
        assertThatThrownBy(() -> steps.add(new Note("C", "x"))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(s.note("C", "later")).isSameAs(s);
        assertThat(steps).hasSize(3);
        assertThat(s.steps()).hasSize(4);
    }

    @Test
    void add_all_adds_in_order_and_returns_the_same_picture() {
        Sequence s = picture();
        assertThat(s.addAll(List.of(tcp(true, SYN, 100, 0), tcp(false, SYN | ACK, 500, 0)))).isSameAs(s);
        assertThat(labels(s)).containsExactly("C>S SYN", "S>C SYN, ACK");
    }

    // Across lesson 06's link: lost segments, their retransmission, and runs of equal segments.

    @Test
    void a_lost_segment_is_drawn_dotted_with_a_cross_and_the_segment_that_carries_its_bytes_again_as_retransmitted() {
        Sequence s = connected();
        s.add(tcp(true, ACK, 101, 1_448));
        Arrow lost = s.addLost(tcp(true, ACK, 1_549, 1_448));
        assertThat(lost).isEqualTo(new Arrow("C", "S", "lost: 1,448 bytes", false, true));
        assertThat(lost.reset()).isFalse();
        assertThat(label(s.add(tcp(true, PSH | ACK, 2_997, 1_448)))).isEqualTo("PSH 1,448 bytes");
        assertThat(label(s.add(tcp(true, ACK, 1_549, 1_448)))).isEqualTo("retransmitted: 1,448 bytes");
        assertThat(s.add(tcp(true, ACK, 1_549, 1_448))).as("a second copy: its bytes were sent again already").isNull();
        assertThat(s.add(tcp(true, ACK, 101, 1_448))).as("bytes that were never lost").isNull();
        assertThat(s.missed()).isZero();
        assertThat(s.mermaid()).contains("    C--xS: lost: 1,448 bytes\n", "    C->>S: retransmitted: 1,448 bytes\n",
                "    C->>S: PSH 1,448 bytes\n");
        assertThat(s.line(lost)).isEqualTo("client ✗ server  lost: 1,448 bytes");
        assertThat(s.line(s.steps().get(5))).isEqualTo("client → server  PSH 1,448 bytes");
    }

    @Test
    void a_resent_segment_that_covers_only_part_of_the_lost_bytes_is_a_retransmission_and_so_is_a_lost_fin_sent_again() {
        Sequence s = connected();
        s.addLost(tcp(true, ACK, 101, 1_000));
        s.add(tcp(true, ACK, 1_101, 500));
        assertThat(label(s.add(tcp(true, ACK, 601, 500)))).as("the second half of the lost bytes").isEqualTo("retransmitted: 500 bytes");
        assertThat(s.add(tcp(true, ACK, 101, 500))).as("the first half: its range was sent again already").isNull();
        assertThat(label(s.addLost(tcp(false, FIN | ACK, 501, 0)))).isEqualTo("lost: FIN");
        assertThat(label(s.add(tcp(false, FIN | ACK, 501, 0)))).as("a lost FIN, sent again").isEqualTo("retransmitted: FIN");
        assertThat(s.add(tcp(false, FIN | ACK, 501, 0))).as("and once more: drawn already").isNull();
        assertThat(label(s.addLost(tcp(true, ACK, 1_601, 10)))).isEqualTo("lost: 10 bytes");
        assertThat(label(s.addLost(tcp(true, ACK, 1_601, 10)))).isEqualTo("lost: retransmitted: 10 bytes");
        assertThat(label(s.add(tcp(true, PSH | ACK, 1_601, 10)))).isEqualTo("retransmitted: PSH 10 bytes");
    }

    @Test
    void a_resent_segment_that_only_borders_the_lost_bytes_is_no_retransmission_of_them() {
        Sequence s = connected();
        s.add(tcp(true, ACK, 101, 1_448));
        s.addLost(tcp(true, ACK, 1_549, 1_448));
        s.add(tcp(true, ACK, 2_997, 1_448));
        assertThat(s.add(tcp(true, ACK, 101, 1_448))).as("the bytes just before the lost ones").isNull();
        assertThat(s.add(tcp(true, ACK, 2_997, 1_448))).as("the bytes just after them").isNull();
        assertThat(label(s.add(tcp(true, ACK, 1_548, 2)))).as("one byte of each side").isEqualTo("retransmitted: 2 bytes");
    }

    @Test
    void a_run_is_collapsed_also_when_it_is_the_first_thing_drawn() {
        Sequence s = picture().collapseRuns();
        s.add(tcp(true, ACK, 101, 100));
        assertThat(label(s.add(tcp(true, ACK, 201, 100)))).isEqualTo("2 segments of 100 bytes");
        assertThat(s.steps()).hasSize(1);
        Sequence merged = picture().mergeData();
        merged.add(tcp(true, ACK, 101, 100));
        assertThat(label(merged.add(tcp(true, ACK, 201, 100)))).isEqualTo("200 bytes");
    }

    @Test
    void a_lost_pure_acknowledgement_or_a_frame_the_picture_leaves_out_is_not_drawn() {
        Sequence s = connected();
        assertThat(s.addLost(tcp(false, ACK, 501, 0))).isNull();
        Packet elsewhere = new Packet("TCP", Ethernet.IPV4, 60, CLIENT, 1, SERVER, 2, ACK, 1, 0, 1_000, 6, -1);
        assertThat(s.addLost(elsewhere)).isNull();
        Packet udp = new Packet("UDP", Ethernet.IPV4, 60, CLIENT, CLIENT_PORT, SERVER, SERVER_PORT, 0, 0, 0, -1, 9, -1);
        assertThat(s.addLost(udp)).isEqualTo(new Arrow("C", "S", "lost: UDP 9 bytes", false, true));
        assertThat(s.steps()).hasSize(4);
    }

    @Test
    void collapsed_runs_of_equal_segments_in_one_direction_become_one_arrow_and_a_note_between_does_not_end_them() {
        Sequence s = connected().collapseRuns();
        s.add(tcp(true, ACK, 101, 1_448));
        assertThat(label(s.add(tcp(true, PSH | ACK, 1_549, 1_448)))).isEqualTo("2 segments of 1,448 bytes");
        s.note("S", "read() returns 2,896 bytes");
        assertThat(label(s.add(tcp(true, ACK, 2_997, 1_448)))).isEqualTo("3 segments of 1,448 bytes");
        assertThat(label(s.add(tcp(true, PSH | ACK, 4_445, 376)))).as("another size ends the run").isEqualTo("PSH 376 bytes");
        assertThat(label(s.add(tcp(true, ACK, 4_821, 376)))).as("a second 376").isEqualTo("2 segments of 376 bytes");
        assertThat(label(s.add(tcp(false, ACK, 501, 376)))).as("the other direction").isEqualTo("376 bytes");
        assertThat(label(s.add(tcp(true, ACK, 5_197, 376)))).as("after an arrow the other way").isEqualTo("376 bytes");
        s.addLost(tcp(true, ACK, 5_573, 376));
        assertThat(label(s.add(tcp(true, ACK, 5_949, 376)))).as("after a lost one").isEqualTo("376 bytes");
        assertThat(label(s.add(tcp(true, ACK, 5_573, 376)))).isEqualTo("retransmitted: 376 bytes");
        assertThat(label(s.add(tcp(true, ACK, 6_325, 376)))).as("a retransmission is no run").isEqualTo("376 bytes");
        assertThat(label(s.add(tcp(true, FIN | ACK, 6_701, 0)))).isEqualTo("FIN");
        assertThat(labels(s)).containsExactly("C>S SYN", "S>C SYN, ACK", "C>S ACK", "C>S 3 segments of 1,448 bytes",
                "note S read() returns 2,896 bytes", "C>S 2 segments of 376 bytes", "S>C 376 bytes", "C>S 376 bytes",
                "C>S lost: 376 bytes", "C>S 376 bytes", "C>S retransmitted: 376 bytes", "C>S 376 bytes", "C>S FIN");
    }

    @Test
    void without_collapsing_equal_segments_stay_one_arrow_each() {
        Sequence s = connected();
        s.add(tcp(true, ACK, 101, 1_448));
        assertThat(label(s.add(tcp(true, ACK, 1_549, 1_448)))).isEqualTo("1,448 bytes");
        assertThat(s.steps()).hasSize(5);
        assertThat(new Arrow("C", "S", "x", true).lost()).isFalse();
    }
}
