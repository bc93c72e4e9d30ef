#pragma once
/// @file
/// Files: reading and writing whole files atomically, model JSON (and the book's network2.py
/// format), PyTorch state dicts as JSON, and the MNIST IDX format, raw or gzip-compressed
/// (through zlib).

#include <bachprop/io/book_json.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/gzip.hpp>
#include <bachprop/io/idx.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/io/torch_state_dict.hpp>
