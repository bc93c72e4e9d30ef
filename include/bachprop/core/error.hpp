#pragma once
/// @file
/// The exceptions the library throws. Every message says what was expected and what was found;
/// loaders also name the file and the position.

#include <stdexcept>
#include <string>

namespace bachprop {

/// Base of every exception the library throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Two shapes that must agree do not (a layer fed the wrong number of features, a target of the
/// wrong size, a network whose layers do not chain).
class ShapeError : public Error {
 public:
  using Error::Error;
};

/// A file or document that is not what it claims to be: the message names the file (or
/// "<memory>"), the position and what was expected.
class FormatError : public Error {
 public:
  using Error::Error;
};

/// An argument outside its domain (a negative learning rate, a batch size of zero).
class ArgumentError : public Error {
 public:
  using Error::Error;
};

/// An operating-system level failure: a file that cannot be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace bachprop
