// Tests of examples/02_mnist_digits/digits.hpp, the classifier lesson's code, on small synthetic
// data: the networks, training and confusion matrix, the network2.py format; and one epoch of the
// book's chapter-1 network on the real MNIST files, where present.

#include "helpers.hpp"
#include "examples/synthetic_digits.hpp"
#include "real_mnist.hpp"

#include "02_mnist_digits/digits.hpp"

#include <bachprop/io/book_json.hpp>

using namespace bachprop;
using Catch::Matchers::Contains;
using test::have_mnist;
using test::mnist;
using test::mnist_folder;
using test::synthetic_digits;

TEST_CASE("the two digit configurations have the book's settings", "[mnist][digits]") {
  const auto book = mnist_digits::book_settings();
  CHECK(book.hidden == 30);
  CHECK(book.epochs == 30);
  CHECK(book.batch_size == 10);
  CHECK(book.learning_rate == 3.0);
  CHECK(book.lambda == 0.0);
  const auto improved = mnist_digits::improved_settings();
  CHECK(improved.hidden == 100);
  CHECK(improved.lambda == 5.0);
  CHECK(mnist_digits::config_from_name("improved") == mnist_digits::Config::improved);
  CHECK_THROWS_WITH(mnist_digits::config_from_name("deep"), Contains("got 'deep'"));

  auto network = mnist_digits::make_book_network(784, 30, 3);
  CHECK(network.parameter_count() == 784 * 30 + 30 + 30 * 10 + 10);
  // N(0, 1) weights, as network.py draws them: the spread of 23,520 draws is close to 1.
  const Matrix<float>& w = network.layer<0>().weights().value;
  const double mean = w.mean();
  const double spread = std::sqrt((w.array() - static_cast<float>(mean)).square().mean());
  CHECK(std::abs(mean) < 0.03);
  CHECK(spread == Approx(1.0).margin(0.03));
  // The same seed gives the same network.
  CHECK(mnist_digits::make_book_network(784, 30, 3).layer<2>().weights().value ==
        network.layer<2>().weights().value);
}

TEST_CASE("train_classifier learns separable digits and reports every epoch", "[mnist][digits]") {
  const auto train = synthetic_digits(30, 1);
  const auto test = synthetic_digits(10, 2);
  auto settings = mnist_digits::book_settings();
  settings.epochs = 8;
  auto network = mnist_digits::make_book_network(16, 12, 1);
  std::vector<Index> seen;
  Index batches = 0;
  mnist_digits::Observers observers;
  observers.on_batch = [&](const BatchReport&) { ++batches; };
  observers.on_epoch = [&](const mnist_digits::EpochResult& r) { seen.push_back(r.epoch); };
  const auto results = mnist_digits::train_classifier(network, Quadratic<float>(), settings, train,
                                                      test, 1, observers);
  CHECK(seen == std::vector<Index>{1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(batches == 8 * 30);
  CHECK(results.back().test_accuracy == 1.0);
  CHECK(results.back().train_loss < results.front().train_loss);

  // The improved network with L2 learns them too, and the same seed repeats the run exactly.
  // (λ = 5 is meant for n = 60,000 images: with 300 it would shrink the weights 200 times
  // faster, so the test scales it down.)
  auto improved = mnist_digits::improved_settings();
  improved.epochs = 10;
  improved.lambda = 0.05;
  improved.learning_rate = 0.5;
  auto a = mnist_digits::make_improved_network(16, 20, 4);
  auto b = mnist_digits::make_improved_network(16, 20, 4);
  const auto ra =
      mnist_digits::train_classifier(a, CrossEntropy<float>(), improved, train, test, 9);
  const auto rb =
      mnist_digits::train_classifier(b, CrossEntropy<float>(), improved, train, test, 9);
  CHECK(ra.back().test_accuracy == 1.0);
  CHECK(ra.back().train_loss == rb.back().train_loss);
  CHECK(a.layer<0>().weights().value == b.layer<0>().weights().value);
}

TEST_CASE("the confusion matrix counts true digit against answer", "[mnist][digits]") {
  const std::vector<Index> labels{0, 0, 1, 2, 9, 9, 9};
  const std::vector<Index> predicted{0, 1, 1, 2, 9, 4, 9};
  const std::string text = mnist_digits::confusion_text(labels, predicted);
  CHECK_THAT(text, Contains("true \\ predicted     0     1     2"));
  CHECK_THAT(text, Contains("               0     1     1     0"));
  CHECK_THAT(text, Contains("50.00%"));
  CHECK_THAT(text, Contains("66.67%"));
  const auto json = mnist_digits::confusion_json(labels, predicted);
  CHECK(json[9][9] == 2);
  CHECK(json[9][4] == 1);
  CHECK(mnist_digits::accuracy_of(predicted, labels) == Approx(5.0 / 7.0));
  CHECK_THROWS_AS(mnist_digits::accuracy_of({}, {}), ShapeError);
}

TEST_CASE("a book network survives the network2.py format", "[mnist][digits]") {
  auto network = mnist_digits::make_book_network(16, 5, 2);
  const auto document = book_model_to_json(network, BookCost::quadratic);
  auto copy = mnist_digits::make_book_network(16, 5, 3);
  load_book_model(copy, book_model_from_json(document));
  const auto test = synthetic_digits(3, 5);
  CHECK(mnist_digits::predict(copy, test.images) == mnist_digits::predict(network, test.images));
}

TEST_CASE("one epoch of the book's chapter-1 network reaches at least 90% test accuracy",
          "[mnist][real]") {
  if (!have_mnist()) {
    WARN("no MNIST data in " << mnist_folder().string() << ": skipped");
    return;
  }
  auto network = mnist_digits::make_book_network(784, 30, 1);
  const auto settings = mnist_digits::book_settings();
  // The full training set even under the sanitizers (about 10 s there): half of it reaches
  // only 89.3% in one epoch, the whole of it 91.5%.
  const LabelledImages<float>& train = mnist().train;
  const double before = mnist_digits::accuracy(network, mnist().test);
  auto one_epoch = settings;
  one_epoch.epochs = 1;
  const auto results = mnist_digits::train_classifier(network, Quadratic<float>(), one_epoch, train,
                                                      mnist().test, 1);
  REQUIRE(results.size() == 1);
  INFO("accuracy before " << before << ", after one epoch " << results[0].test_accuracy);
  CHECK(before < 0.2);
  CHECK(results[0].test_accuracy >= 0.90);
  CHECK(results[0].test_accuracy == mnist_digits::accuracy(network, mnist().test));
}
