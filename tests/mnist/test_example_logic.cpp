// Tests of the two MNIST examples' shared code on small synthetic data: the classifier's
// networks, training and confusion matrix; the autoencoder's halves, errors and pictures.

#include "helpers.hpp"

#include "02_mnist_digits/digits.hpp"
#include "03_mnist_autoencoder/autoencoder.hpp"

#include <bachprop/draw/png.hpp>
#include <bachprop/io/book_json.hpp>

using namespace bachprop;
using Catch::Matchers::Contains;

namespace {

// `per_class` images of 4×4 pixels per class 0-9: class k lights pixel k (and a little noise),
// so a network can learn them in a few epochs.
LabelledImages<float> synthetic_digits(Index per_class, std::uint64_t seed) {
  LabelledImages<float> set;
  set.rows = 4;
  set.columns = 4;
  set.images = Matrix<float>::Zero(16, 10 * per_class);
  Rng rng(seed);
  for (Index j = 0; j < set.images.cols(); ++j) {
    const Index label = j % 10;
    set.labels.push_back(label);
    for (Index i = 0; i < 16; ++i) {
      set.images(i, j) = static_cast<float>(rng.uniform(0.0, 0.2));
    }
    set.images(label, j) = 1.0F;
  }
  return set;
}

}  // namespace

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

TEST_CASE("the autoencoder's halves compose to the whole network", "[mnist][autoencoder]") {
  mnist_autoencoder::Settings settings;
  settings.inputs = 16;
  settings.hidden = 8;
  settings.latent = 3;
  for (const auto activation : {mnist_autoencoder::Activation::relu,
                                mnist_autoencoder::Activation::sigmoid,
                                mnist_autoencoder::Activation::tanh}) {
    settings.activation = activation;
    mnist_autoencoder::with_autoencoder(settings, 5, [&](auto& network) {
      const Matrix<float> x = synthetic_digits(2, 3).images;
      const Matrix<float> codes = mnist_autoencoder::encode(network, x);
      CHECK(codes.rows() == 3);
      CHECK(codes.cols() == 20);
      const Matrix<float> decoded = mnist_autoencoder::decode(network, codes);
      const Matrix<float> whole = network.forward(x);
      CHECK((decoded - whole).cwiseAbs().maxCoeff() < 1e-6F);
      CHECK(decoded.minCoeff() > 0.0F);  // a sigmoid output
      CHECK(decoded.maxCoeff() < 1.0F);
      return 0;
    });
  }
  CHECK_THROWS_WITH(mnist_autoencoder::activation_from_name("elu"), Contains("got 'elu'"));
}

TEST_CASE("reconstruction errors are the per-pixel means of BCE and squared error",
          "[mnist][autoencoder]") {
  mnist_autoencoder::Settings settings;
  settings.inputs = 16;
  settings.hidden = 6;
  settings.latent = 2;
  auto network = mnist_autoencoder::make_autoencoder<Sigmoid<float>>(settings, 2);
  const Matrix<float> x = synthetic_digits(3, 4).images;
  const auto errors = mnist_autoencoder::reconstruction_errors(network, x);
  const Matrix<float> a = network.forward(x);
  double bce = 0;
  double squared = 0;
  for (Index i = 0; i < x.size(); ++i) {
    const double y = x.data()[i];
    const double p = a.data()[i];
    bce -= y * std::log(p) + (1 - y) * std::log(1 - p);
    squared += (p - y) * (p - y);
  }
  CHECK(errors.bce == Approx(bce / static_cast<double>(x.size())).epsilon(1e-5));
  CHECK(errors.mse == Approx(squared / static_cast<double>(x.size())).epsilon(1e-5));
  // The mean image of a set scores its own per-pixel entropy on that set.
  const Matrix<float> constant = Matrix<float>::Constant(4, 3, 0.25F);
  const auto baseline = mnist_autoencoder::mean_image_errors(constant, constant);
  CHECK(baseline.bce == Approx(-(0.25 * std::log(0.25) + 0.75 * std::log(0.75))));
  CHECK(baseline.mse == Approx(0.0));
}

TEST_CASE("the pictures have their layout and are deterministic", "[mnist][autoencoder]") {
  mnist_autoencoder::Settings settings;
  settings.inputs = 16;
  settings.hidden = 6;
  settings.latent = 2;
  auto network = mnist_autoencoder::make_autoencoder<Tanh<float>>(settings, 2);
  const auto test = synthetic_digits(5, 6);

  const Image reconstructions = mnist_autoencoder::reconstruction_picture(network, test, 3, 2);
  // 10 pairs of 2·8 + 2 pixels with 9 gaps of 12, margins of 10; 3 rows of 8 + 12.
  CHECK(reconstructions.width() == 20 + 10 * 18 + 9 * 12);
  CHECK(reconstructions.height() == 20 + 3 * 20 - 12);
  // The first original (digit 0 lights pixel 0: ink, so dark) at the top-left corner.
  CHECK(reconstructions.get(10, 10).r == 0);

  const auto pairs = mnist_autoencoder::interpolation_pairs(test.labels, 6, 3);
  REQUIRE(pairs.size() == 6);
  for (const auto& [from, to] : pairs) {
    CHECK(test.labels[static_cast<std::size_t>(from)] != test.labels[static_cast<std::size_t>(to)]);
  }
  CHECK(pairs == mnist_autoencoder::interpolation_pairs(test.labels, 6, 3));
  const Image interpolations =
      mnist_autoencoder::interpolation_picture(network, test, pairs, 10, 2);
  CHECK(interpolations.width() == 20 + 12 * 8 + 9 * 4 + 28);

  const Matrix<float> codes = mnist_autoencoder::encode(network, test.images);
  const auto box = mnist_autoencoder::latent_box(codes);
  // The box holds the central 99% of each coordinate, widened by 5%: all but the extremes.
  Index inside = 0;
  for (Index j = 0; j < codes.cols(); ++j) {
    inside += codes(0, j) >= box.x0 && codes(0, j) <= box.x1 && codes(1, j) >= box.y0 &&
              codes(1, j) <= box.y1;
  }
  CHECK(inside >= codes.cols() - 4);
  CHECK(box.x0 < box.x1);
  CHECK(box.y0 < box.y1);
  const Image scatter = mnist_autoencoder::latent_scatter_picture(codes, test.labels, box, 200);
  CHECK(scatter.channels() == 3);
  // Every class colour appears: each digit's dots and its legend swatch.
  for (std::size_t digit = 0; digit < 10; ++digit) {
    bool found = false;
    for (int y = 0; y < scatter.height() && !found; ++y) {
      for (int x = 0; x < scatter.width() && !found; ++x) {
        found = scatter.get(x, y) == class_colour(digit);
      }
    }
    CHECK(found);
  }
  const Image grid = mnist_autoencoder::latent_grid_picture(network, box, codes, 6, 4, 4, 2);
  CHECK(grid.width() == 16 + 6 * 8);
  CHECK(encode_png(grid) == encode_png(
                                mnist_autoencoder::latent_grid_picture(network, box, codes, 6, 4,
                                                                       4, 2)));
}
