// Tests of bachprop/music/live/midi_sinks.hpp: the byte sink writes three bytes a message and
// reports a stream that refuses them; the recording keeps messages with their times up to its
// capacity and counts the rest.

#include <bachprop/music/live/midi_sinks.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using std::chrono::milliseconds;

TEST_CASE("MIDI byte sink: three bytes a message, status byte every time", "[live]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  MidiByteSink sink(file);
  static_assert(MidiSink<MidiByteSink>);
  CHECK(sink.send(note_on(0, 60, 90), milliseconds(0), milliseconds(0)));
  CHECK(sink.send(note_on(0, 64, 90), milliseconds(0), milliseconds(0)));
  CHECK(sink.send(note_off(0, 60), milliseconds(5), milliseconds(5)));
  sink.flush();
  CHECK(sink.ok());
  std::rewind(file);
  std::vector<unsigned char> bytes(16);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));
  std::fclose(file);
  // No running status: the second note on repeats 0x90.
  CHECK(bytes == std::vector<unsigned char>{0x90, 60, 90, 0x90, 64, 90, 0x80, 60, 0});
}

TEST_CASE("MIDI byte sink: a stream that refuses bytes ends the sending", "[live]") {
  std::FILE* closed = std::tmpfile();
  REQUIRE(closed != nullptr);
  std::FILE* read_only = std::freopen(nullptr, "rb", closed);  // writes now fail
  REQUIRE(read_only != nullptr);
  MidiByteSink sink(read_only);
  CHECK_FALSE(sink.send(note_on(0, 60, 90), milliseconds(0), milliseconds(0)));
  CHECK_FALSE(sink.ok());
  std::fclose(read_only);
}

TEST_CASE("recording sink: messages with their due and sent times, up to its capacity",
          "[live]") {
  RecordingSink sink(2);
  static_assert(MidiSink<RecordingSink>);
  CHECK(sink.send(note_on(1, 62, 70), milliseconds(10), milliseconds(11)));
  CHECK(sink.send(note_off(1, 62), milliseconds(20), milliseconds(20)));
  sink.flush();
  CHECK(sink.send(all_notes_off(1), milliseconds(30), milliseconds(30)));
  REQUIRE(sink.messages().size() == 2);
  CHECK(sink.messages()[0].message == note_on(1, 62, 70));
  CHECK(sink.messages()[0].due == milliseconds(10));
  CHECK(sink.messages()[0].sent == milliseconds(11));
  CHECK(sink.dropped() == 1);
  CHECK(sink.groups() == 1);
}
